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
 * Rows written before V13 took the first patient in indexing order as the primary compartment (a performer before
 * the subject); the migration files them under the subject and leaves resources naming one patient alone.
 */
class CompartmentPrimaryMigrationIT {

    @Test
    void migrateWhenOldRowsFiledAnObservationUnderItsPerformerThenItIsFiledUnderItsSubject() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("overturn-v13-it-"))) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            FhirContext ctx = FhirContext.forR4Cached();
            SearchParameterRegistry registry = new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("12")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of())).load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            String shared = "{\"resourceType\":\"Observation\",\"id\":\"shared\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"status\":\"final\",\"code\":{\"text\":\"ECOG\"},\"subject\":{\"reference\":\"Patient/p1\"},"
                    + "\"performer\":[{\"reference\":\"Patient/p2\"}]}";
            String single = "{\"resourceType\":\"Observation\",\"id\":\"single\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"status\":\"final\",\"code\":{\"text\":\"ECOG\"},\"subject\":{\"reference\":\"Patient/p3\"}}";
            storeAsBefore(jdbc, "shared", "p2", shared);
            storeAsBefore(jdbc, "single", "p3", single);

            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                            new V13__Compartment_primary(ctx, registry, List.of()))
                    .load().migrate();

            assertThat(jdbc.queryForObject("select patient_id from resource where res_id = 'shared'", String.class)).isEqualTo("p1");
            assertThat(jdbc.queryForObject("select patient_id from resource_version where res_id = 'shared'", String.class))
                    .isEqualTo("p1");
            assertThat(jdbc.queryForList("select distinct patient_id from idx_reference where res_id = 'shared'", String.class))
                    .containsExactly("p1");
            assertThat(jdbc.queryForObject("select patient_id from resource where res_id = 'single'", String.class)).isEqualTo("p3");
            assertThat(jdbc.queryForObject("select count(*) from idx_token where res_id = 'single'", Integer.class))
                    .as("a resource naming one patient is not re-indexed").isEqualTo(1);
        }
    }

    private static void storeAsBefore(JdbcTemplate jdbc, String id, String patient, String content) {
        jdbc.update("insert into resource values ('Observation', ?, 1, now(), false, ?, ?)", id, patient, content);
        jdbc.update("insert into resource_version values ('Observation', ?, 1, now(), false, 'POST', ?, ?)", id, patient, content);
        jdbc.update("insert into idx_token (res_type, res_id, param, text_norm, patient_id) values ('Observation', ?, 'code', 'ecog', ?)",
                id, patient);
    }
}
