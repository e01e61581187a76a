package org.overturn.letter;

import java.time.Clock;
import org.overturn.assessment.Assessor;
import org.overturn.criteria.Knowledge;
import org.overturn.evidence.FactExtractor;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LetterConfig {

    @Bean
    LetterService letterService(
            ResourceStore store,
            Assessor assessor,
            Knowledge knowledge,
            FactExtractor facts,
            org.overturn.profiles.FhirPackage fhirPackage, Clock clock) {
        return new LetterService(store, assessor, new LetterComposer(knowledge, facts), fhirPackage, facts, knowledge, clock);
    }

    @Bean
    LetterPdfService letterPdfService(ResourceStore store, Clock clock) {
        return new LetterPdfService(store, clock);
    }
}
