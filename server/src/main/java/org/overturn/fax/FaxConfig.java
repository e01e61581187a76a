package org.overturn.fax;

import java.time.Clock;
import org.overturn.cases.CaseReader;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.PayerDirectory;
import org.overturn.law.Law;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class FaxConfig {

    @Bean
    FaxPacketService faxPacketService(ResourceStore store, CaseReader cases, PayerDirectory payers, DrugCatalog drugs, Knowledge knowledge,
            Law law, Clock clock) {
        return new FaxPacketService(store, cases, payers, drugs, knowledge, law, clock);
    }
}
