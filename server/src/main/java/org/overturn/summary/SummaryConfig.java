package org.overturn.summary;

import java.time.Clock;
import org.overturn.cases.RegimeResolver;
import org.overturn.cases.CaseReader;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.PayerDirectory;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.law.Law;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SummaryConfig {

    @Bean
    PatientSummaryService patientSummaryService(ResourceStore store, CaseReader cases, PayerDirectory payers, DrugCatalog drugs, RegimeResolver resolver,
            DeadlineCalculator calculator, Knowledge knowledge, Law law, Clock clock) {
        return new PatientSummaryService(store, cases, payers, drugs, resolver, calculator, knowledge, law, clock);
    }
}
