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
    CaseLaw caseLaw(CaseReader cases, RegimeResolver resolver, DeadlineCalculator calculator, Assessor assessor, Law law,
            Clock clock) {
        return new CaseLaw(cases, resolver, calculator, assessor, law, clock);
    }

    @Bean
    AppealService appealService(ResourceStore store, CaseLaw cases, Knowledge knowledge, Law law, FactExtractor facts) {
        return new AppealService(store, cases, new AppealLetterComposer(knowledge, law, facts));
    }

    @Bean
    AccessLetterService accessLetterService(
            ResourceStore store, CaseLaw cases, Knowledge knowledge, Law law, FactExtractor facts, TrialRegistry trials) {
        return new AccessLetterService(store, cases, new AccessLetterComposer(knowledge, law, facts), knowledge, trials);
    }

    @Bean
    CaseLetters caseLetters(org.overturn.letter.LetterService letters, AppealService appeals, AccessLetterService accessLetters) {
        return new CaseLetters(letters, appeals, accessLetters);
    }

    @Bean
    ExternalReviewService externalReviewService(ResourceStore store, CaseLaw cases, Knowledge knowledge, Law law) {
        return new ExternalReviewService(store, cases, new ExternalReviewPacketComposer(knowledge, law));
    }
}
