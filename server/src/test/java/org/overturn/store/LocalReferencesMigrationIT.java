package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rows written before V12 indexed every absolute reference as local; the migration moves them out of the local
 * patient's compartment and leaves local references alone.
 */
class LocalReferencesMigrationIT {
    private static final String EHR_PATIENT = "https://ehr.example.org/fhir/Patient/p7";

    @Test
    void migrateWhenOldRowsPutAnotherServersPatientInALocalCompartmentThenTheyAreReindexed() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("overturn-v12-it-"))) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("11").load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            // As the indexer before V12 wrote them: the EHR's Patient/p7 indexed as the local Patient/p7.
            storeObservationAsBefore(jdbc, "remote", EHR_PATIENT);
            storeObservationAsBefore(jdbc, "local", "Patient/p7");

            FhirContext ctx = FhirContext.forR4Cached();
            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(new V12__Local_references(ctx, new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED), List.of()))
                    .load().migrate();

            assertThat(jdbc.queryForObject("select patient_id from resource where res_id = 'remote'", String.class)).isNull();
            assertThat(jdbc.queryForObject("select patient_id from resource_version where res_id = 'remote'", String.class)).isNull();
            List<Map<String, Object>> refs = jdbc.queryForList(
                    "select target_type, target_id, target_url, patient_id from idx_reference where res_id = 'remote' and param = 'subject'");
            assertThat(refs).hasSize(1);
            assertThat(refs.get(0)).containsEntry("target_url", EHR_PATIENT).containsEntry("target_id", null)
                    .containsEntry("patient_id", null);
            assertThat(jdbc.queryForObject("select count(*) from idx_token where res_id = 'remote' and patient_id is not null",
                    Integer.class)).isZero();
            assertThat(jdbc.queryForObject("select count(*) from idx_token where res_id = 'remote'", Integer.class))
                    .as("the other index rows are written again").isPositive();

            assertThat(jdbc.queryForObject("select patient_id from resource where res_id = 'local'", String.class)).isEqualTo("p7");
            assertThat(jdbc.queryForObject("select target_id from idx_reference where res_id = 'local' and param = 'subject'",
                    String.class)).isEqualTo("p7");
        }
    }

    private static void storeObservationAsBefore(JdbcTemplate jdbc, String id, String subject) {
        String content = "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\"},"
                + "\"status\":\"final\",\"code\":{\"text\":\"ALK\"},\"subject\":{\"reference\":\"" + subject + "\"}}";
        jdbc.update("insert into resource values ('Observation', ?, 1, now(), false, 'p7', ?)", id, content);
        jdbc.update("insert into resource_version values ('Observation', ?, 1, now(), false, 'POST', 'p7', ?)", id, content);
        jdbc.update("insert into idx_reference values ('Observation', ?, 'subject', 'Patient', 'p7', ?, 'p7')", id, subject);
        jdbc.update("insert into idx_token (res_type, res_id, param, text_norm, patient_id) values ('Observation', ?, 'code', 'alk', 'p7')", id);
    }
}
