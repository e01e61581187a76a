package org.overturn.cases;

import org.overturn.criteria.Knowledge;
import org.overturn.law.Law;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CasesConfig {

    @Bean
    CaseReader caseReader(ResourceStore store) {
        return new CaseReader(store);
    }

    @Bean
    RegimeResolver regimeResolver(Knowledge knowledge, Law law) {
        return new RegimeResolver(knowledge, law);
    }
}
