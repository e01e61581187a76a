package org.overturn.assessment;

import java.time.Clock;
import org.overturn.criteria.CriteriaEvaluator;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.PayerDirectory;
import org.overturn.evidence.ChartSource;
import org.overturn.evidence.FactExtractor;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AssessmentConfig {

    @Bean
    Assessor assessor(ResourceStore store, Knowledge knowledge, PayerDirectory payers, DrugCatalog drugs, ChartSource charts,
            FactExtractor facts, CriteriaEvaluator evaluator, Clock clock) {
        return new Assessor(store, knowledge, payers, drugs, charts, facts, evaluator, clock);
    }
}
