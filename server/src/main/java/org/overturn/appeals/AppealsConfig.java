package org.overturn.appeals;

import java.time.Clock;
import org.overturn.assessment.Assessor;
import org.overturn.cases.CaseReader;
import org.overturn.cases.RegimeResolver;
import org.overturn.criteria.Knowledge;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.evidence.FactExtractor;
import org.overturn.law.Law;
import org.overturn.letter.AccessLetterComposer;
import org.overturn.letter.AppealLetterComposer;
import org.overturn.letter.ExternalReviewPacketComposer;
import org.overturn.store.ResourceStore;
import org.overturn.trials.TrialRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The appeal, external-review and access-letter services over the store, the knowledge, the law and the letter composers. */
@Configuration(proxyBeanMethods = false)
class AppealsConfig {

    @Bean
    AppealService appealService(
            ResourceStore store, CaseReader cases,
            RegimeResolver resolver,
            DeadlineCalculator calculator,
            Assessor assessor,
            Knowledge knowledge,
            Law law,
            FactExtractor facts, Clock clock) {
        return new AppealService(store, cases, resolver, calculator, assessor, new AppealLetterComposer(knowledge, law, facts), law,
                clock);
    }

    @Bean
    AccessLetterService accessLetterService(
            ResourceStore store, CaseReader cases,
            RegimeResolver resolver,
            DeadlineCalculator calculator,
            Assessor assessor,
            Knowledge knowledge,
            Law law,
            FactExtractor facts,
            TrialRegistry trials, Clock clock) {
        return new AccessLetterService(store, cases, resolver, calculator, assessor, new AccessLetterComposer(knowledge, law, facts),
                knowledge, law, trials, clock);
    }

    @Bean
    CaseLetters caseLetters(org.overturn.letter.LetterService letters, AppealService appeals, AccessLetterService accessLetters) {
        return new CaseLetters(letters, appeals, accessLetters);
    }

    @Bean
    ExternalReviewService externalReviewService(
            ResourceStore store, CaseReader cases,
            RegimeResolver resolver,
            DeadlineCalculator calculator,
            Assessor assessor,
            Knowledge knowledge,
            Law law, Clock clock) {
        return new ExternalReviewService(store, cases, resolver, calculator, assessor, new ExternalReviewPacketComposer(knowledge, law),
                law, clock);
    }
}
