package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;
import org.junit.jupiter.api.Test;
import org.overturn.platform.FhirPathTypes;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Observations stored while code-value-date indexed nothing get their pairs from V22; an Observation without a date
 * value is not read again. The FHIRPath types are the server's own, as in production.
 */
class CompositeDateValuesMigrationIT {

    @Test
    void migrateWhenAnObservationWithADateValueWasStoredBeforeThenItsCodeValueDatePairIsIndexed() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("overturn-v22-it-"))) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            FhirContext ctx = FhirContext.forR4();
            ctx.setValidationSupport(new FhirPathTypes(ctx));
            SearchParameterRegistry registry = new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED);
            List<JavaMigration> before = List.of(
                    new V12__Local_references(ctx, registry, List.of()), new V13__Compartment_primary(ctx, registry, List.of()),
                    new V17__Ucum_canonical_quantities(ctx, registry, List.of()), new V19__Composite_pairs(ctx, registry, List.of()));
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("21")
                    .javaMigrations(before.toArray(JavaMigration[]::new)).load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            store(jdbc, "dated", "{\"resourceType\":\"Observation\",\"id\":\"dated\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"21907-1\"}]},"
                    + "\"subject\":{\"reference\":\"Patient/p1\"},\"valueDateTime\":\"2024-11-20\"}");
            store(jdbc, "valued", "{\"resourceType\":\"Observation\",\"id\":\"valued\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2345-7\"}]},"
                    + "\"subject\":{\"reference\":\"Patient/p1\"},\"valueString\":\"high\"}");

            List<JavaMigration> all = new ArrayList<>(before);
            all.add(new V22__Composite_date_values(ctx, registry, List.of()));
            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(all.toArray(JavaMigration[]::new)).load().migrate();

            List<String> pairs = jdbc.queryForList("select code || '$' || to_char(low at time zone 'UTC', 'YYYY-MM-DD')"
                    + " from idx_composite where res_id = 'dated' and param = 'code-value-date'", String.class);
            assertThat(pairs).containsExactly("21907-1$2024-11-20");
            assertThat(jdbc.queryForObject("select count(*) from idx_token where res_id = 'valued'", Integer.class))
                    .as("no date value: not re-indexed").isZero();
        }
    }

    private static void store(JdbcTemplate jdbc, String id, String content) {
        jdbc.update("insert into resource values ('Observation', ?, 1, now(), false, 'p1', ?)", id, content);
        jdbc.update("insert into resource_version values ('Observation', ?, 1, now(), false, 'POST', 'p1', ?)", id, content);
    }
}
