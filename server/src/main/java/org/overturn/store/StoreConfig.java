package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class StoreConfig {

    /** Absolute references under these count as local (SearchIndexer); none when the base URL is taken per request. */
    static List<String> localBases(String baseUrl) {
        return baseUrl.isBlank() ? List.of() : List.of(baseUrl.trim());
    }

    @Bean
    ResourceStore resourceStore(
            FhirContext ctx,
            SearchParameterRegistry registry,
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            StoreProperties properties,
            @Value("${overturn.fhir.base-url:}") String baseUrl,
            ObjectProvider<WriteRule> rules,
            ObjectProvider<WriteListener> listeners,
            Clock clock) {
        return new JdbcResourceStore(ctx, registry, jdbc, tx, properties, localBases(baseUrl), rules.orderedStream().toList(),
                listeners.orderedStream().toList(), clock);
    }

    @Bean
    static LockTimeoutOnConnections lockTimeoutOnConnections(ObjectProvider<StoreProperties> properties) {
        return new LockTimeoutOnConnections(properties);
    }

    /** Picked up by Spring Boot's Flyway set-up with the SQL migrations (db/migration), and run in version order. */
    @Bean
    JavaMigration localReferencesMigration(
            FhirContext ctx, SearchParameterRegistry registry, @Value("${overturn.fhir.base-url:}") String baseUrl) {
        return new V12__Local_references(ctx, registry, localBases(baseUrl));
    }

    @Bean
    JavaMigration compartmentPrimaryMigration(
            FhirContext ctx, SearchParameterRegistry registry, @Value("${overturn.fhir.base-url:}") String baseUrl) {
        return new V13__Compartment_primary(ctx, registry, localBases(baseUrl));
    }

    @Bean
    JavaMigration ucumCanonicalQuantitiesMigration(
            FhirContext ctx, SearchParameterRegistry registry, @Value("${overturn.fhir.base-url:}") String baseUrl) {
        return new V17__Ucum_canonical_quantities(ctx, registry, localBases(baseUrl));
    }

    @Bean
    JavaMigration compositePairsMigration(
            FhirContext ctx, SearchParameterRegistry registry, @Value("${overturn.fhir.base-url:}") String baseUrl) {
        return new V19__Composite_pairs(ctx, registry, localBases(baseUrl));
    }

    @Bean
    JavaMigration compositeDateValuesMigration(
            FhirContext ctx, SearchParameterRegistry registry, @Value("${overturn.fhir.base-url:}") String baseUrl) {
        return new V22__Composite_date_values(ctx, registry, localBases(baseUrl));
    }
}
