package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Observations stored before V18 have no composite pairs; V19 indexes them (each component's code with its own value
 * only) and leaves types without composite parameters alone. The earlier Java migrations, run on a database that
 * does not have V18's table yet, index into the tables that exist.
 */
class CompositePairsMigrationIT {

    @Test
    void migrateWhenAnObservationWasStoredBeforeV18ThenItsPairsAreIndexed() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("overturn-v19-it-"))) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            FhirContext ctx = FhirContext.forR4Cached();
            SearchParameterRegistry registry = new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("17")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                            new V13__Compartment_primary(ctx, registry, List.of()),
                            new V17__Ucum_canonical_quantities(ctx, registry, List.of()))
                    .load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            String component = "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"%s\"}]},"
                    + "\"valueQuantity\":{\"value\":%s,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}";
            String pressure = "{\"resourceType\":\"Observation\",\"id\":\"bp\",\"meta\":{\"versionId\":\"1\"},\"status\":\"final\","
                    + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]},"
                    + "\"subject\":{\"reference\":\"Patient/p1\"},\"component\":[" + component.formatted("8480-6", "150") + ","
                    + component.formatted("8462-4", "85") + "]}";
            String patient = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"1\"},\"gender\":\"female\"}";
            store(jdbc, "Observation", "bp", pressure);
            store(jdbc, "Patient", "p1", patient);

            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                            new V13__Compartment_primary(ctx, registry, List.of()),
                            new V17__Ucum_canonical_quantities(ctx, registry, List.of()),
                            new V19__Composite_pairs(ctx, registry, List.of()))
                    .load().migrate();

            List<String> pairs = jdbc.queryForList("select code || '$' || value::text from idx_composite"
                    + " where res_id = 'bp' and param = 'component-code-value-quantity' and value_system = ?"
                    + " order by code", String.class, UcumCanonical.SYSTEM);
            assertThat(pairs).containsExactly("8462-4$85", "8480-6$150");
            assertThat(jdbc.queryForObject("select count(*) from idx_token where res_id = 'bp' and param = 'code'", Integer.class))
                    .as("its other rows written again").isEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from idx_token where res_id = 'p1'", Integer.class))
                    .as("a Patient has no composite parameter: not re-indexed").isZero();
        }
    }

    private static void store(JdbcTemplate jdbc, String type, String id, String content) {
        jdbc.update("insert into resource values (?, ?, 1, now(), false, 'p1', ?)", type, id, content);
        jdbc.update("insert into resource_version values (?, ?, 1, now(), false, 'POST', 'p1', ?)", type, id, content);
    }
}
