package org.overturn.criteria;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the knowledge files once at start-up; an inconsistent set stops the server with every problem listed. */
@Configuration(proxyBeanMethods = false)
class CriteriaConfig {

    @Bean
    Knowledge knowledge() {
        return KnowledgeLoader.load();
    }

    @Bean
    CriteriaEvaluator criteriaEvaluator(Knowledge knowledge) {
        return new CriteriaEvaluator(knowledge);
    }

    @Bean
    DrugCatalog drugCatalog(Knowledge knowledge) {
        return new DrugCatalog(knowledge);
    }

    @Bean
    PayerDirectory payerDirectory(Knowledge knowledge) {
        return new PayerDirectory(knowledge);
    }
}
