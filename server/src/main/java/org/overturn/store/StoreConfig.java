package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class StoreConfig {

    @Bean
    ResourceStore resourceStore(
            FhirContext ctx,
            SearchParameterRegistry registry,
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            StoreProperties properties,
            ObjectProvider<WriteRule> rules,
            ObjectProvider<WriteListener> listeners) {
        return new JdbcResourceStore(ctx, registry, jdbc, tx, properties, rules.orderedStream().toList(),
                listeners.orderedStream().toList());
    }
}
