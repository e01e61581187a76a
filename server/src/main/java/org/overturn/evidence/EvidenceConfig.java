package org.overturn.evidence;

import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class EvidenceConfig {

    @Bean
    ChartSource chartSource(ResourceStore store) {
        return new StoreChartSource(store);
    }

    @Bean
    FactExtractor factExtractor(Knowledge knowledge, DrugCatalog drugs) {
        return new FactExtractor(knowledge, drugs);
    }
}
