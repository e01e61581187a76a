package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rows written before V17 hold UCUM quantities as written only; the migration adds their canonical copies, so a
 * search in another unit finds them, and leaves resources without a UCUM quantity alone.
 */
class UcumCanonicalMigrationIT {

    @Test
    void migrateWhenOldRowsHoldAQuantityInGramsPerLitreThenItsCanonicalCopyIsIndexed() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("overturn-v17-it-"))) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            FhirContext ctx = FhirContext.forR4Cached();
            SearchParameterRegistry registry = new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("16")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                            new V13__Compartment_primary(ctx, registry, List.of()))
                    .load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            String glucose = "{\"resourceType\":\"Observation\",\"id\":\"glucose\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"status\":\"final\",\"code\":{\"text\":\"glucose\"},\"subject\":{\"reference\":\"Patient/p1\"},"
                    + "\"valueQuantity\":{\"value\":1.6,\"unit\":\"g/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"g/L\"}}";
            String plain = "{\"resourceType\":\"Observation\",\"id\":\"plain\",\"meta\":{\"versionId\":\"1\"},"
                    + "\"status\":\"final\",\"code\":{\"text\":\"ECOG\"},\"subject\":{\"reference\":\"Patient/p1\"},"
                    + "\"valueInteger\":1}";
            storeAsBefore(jdbc, "glucose", glucose, "1.6", "g/L");
            storeAsBefore(jdbc, "plain", plain, "1", null);

            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                            new V13__Compartment_primary(ctx, registry, List.of()),
                            new V17__Ucum_canonical_quantities(ctx, registry, List.of()))
                    .load().migrate();

            List<Map<String, Object>> rows = jdbc.queryForList(
                    "select value, system, code from idx_quantity where res_id = 'glucose' and param = 'value-quantity' order by value");
            assertThat(rows).hasSize(2);
            assertThat((BigDecimal) rows.get(0).get("value")).isEqualByComparingTo("1.6");
            assertThat(rows.get(0).get("code")).isEqualTo("g/L");
            assertThat((BigDecimal) rows.get(1).get("value")).isEqualByComparingTo("1600");
            assertThat(rows.get(1).get("system")).isEqualTo(UcumCanonical.INDEX_SYSTEM);
            assertThat(rows.get(1).get("code")).isEqualTo("g.m-3");
            assertThat(jdbc.queryForObject("select count(*) from idx_quantity where res_id = 'plain'", Integer.class))
                    .as("a resource without a UCUM quantity is not re-indexed").isEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from idx_token where res_id = 'plain'", Integer.class))
                    .as("nor are its other rows rewritten").isZero();
        }
    }

    private static void storeAsBefore(JdbcTemplate jdbc, String id, String content, String value, String code) {
        jdbc.update("insert into resource values ('Observation', ?, 1, now(), false, 'p1', ?)", id, content);
        jdbc.update("insert into resource_version values ('Observation', ?, 1, now(), false, 'POST', 'p1', ?)", id, content);
        jdbc.update("insert into idx_quantity (res_type, res_id, param, value, system, code, patient_id)"
                + " values ('Observation', ?, 'value-quantity', ?, ?, ?, 'p1')", id, new BigDecimal(value),
                code == null ? null : UcumCanonical.SYSTEM, code);
    }
}
