package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** AuditEvents stored as generic resources before V15 move to the audit trail's table, searchable by its columns. */
class AuditTrailMigrationIT {

    @Test
    void migrateWhenAuditEventsWereGenericResourcesThenTheyMoveWithTheirSearchColumnsAndLeaveNoRows() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("overturn-v15-it-"))) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            FhirContext ctx = FhirContext.forR4Cached();
            SearchParameterRegistry registry = new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("14")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                            new V13__Compartment_primary(ctx, registry, List.of()))
                    .load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            String event = "{\"resourceType\":\"AuditEvent\",\"id\":\"a1\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"type\":{\"system\":\"http://terminology.hl7.org/CodeSystem/audit-event-type\",\"code\":\"rest\"},"
                    + "\"subtype\":[{\"system\":\"http://hl7.org/fhir/restful-interaction\",\"code\":\"read\"}],"
                    + "\"action\":\"R\",\"recorded\":\"2026-03-04T05:06:07.123Z\",\"outcome\":\"4\","
                    + "\"agent\":[{\"who\":{\"identifier\":{\"value\":\"app\"}},\"altId\":\"client-9\",\"requestor\":true,"
                    + "\"network\":{\"address\":\"10.0.0.8\",\"type\":\"2\"}}],"
                    + "\"source\":{\"observer\":{\"display\":\"Overturn\"}},"
                    + "\"entity\":[{\"what\":{\"reference\":\"Observation/o1\"}},{\"what\":{\"reference\":\"Patient/p1\"}}]}";
            jdbc.update("insert into resource values ('AuditEvent', 'a1', 1, now(), false, 'p1', ?)", event);
            jdbc.update("insert into resource_version values ('AuditEvent', 'a1', 1, now(), false, 'POST', 'p1', ?)", event);
            jdbc.update("insert into idx_token (res_type, res_id, param, code, patient_id) values ('AuditEvent', 'a1', 'action', 'R', 'p1')");
            jdbc.update("insert into resource values ('Observation', 'o1', 1, now(), false, 'p1', '{}')");

            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                            new V13__Compartment_primary(ctx, registry, List.of()))
                    .load().migrate();

            var row = jdbc.queryForMap("select recorded, patient_id,"
                    + " array_to_string(entities, ',') as entities, subtype, action, outcome, client_id, address, content"
                    + " from audit_event where id = 'a1'");
            assertThat(row.get("recorded").toString()).startsWith("2026-03-04");
            assertThat(row.get("patient_id")).isEqualTo("p1");
            assertThat(row.get("entities")).isEqualTo("Observation/o1,Patient/p1");
            assertThat(row.get("subtype")).isEqualTo("read");
            assertThat(row.get("action")).isEqualTo("R");
            assertThat(row.get("outcome")).isEqualTo("4");
            assertThat(row.get("client_id")).isEqualTo("client-9");
            assertThat(row.get("address")).isEqualTo("10.0.0.8");
            assertThat(row.get("content")).isEqualTo(event);
            for (String table : List.of("resource", "resource_version", "idx_token")) {
                assertThat(jdbc.queryForObject("select count(*) from " + table + " where res_type = 'AuditEvent'", Integer.class))
                        .as(table).isZero();
            }
            assertThat(jdbc.queryForObject("select count(*) from resource where res_type = 'Observation'", Integer.class)).isOne();
        }
    }
}
