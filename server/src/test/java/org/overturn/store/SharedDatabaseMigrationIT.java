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
 * Two deployments in two schemas of one database: pg_trgm, installed once per database by the first one's V11, sits
 * in the first one's schema, and the second one's migrations still make their trigram indexes.
 */
class SharedDatabaseMigrationIT {

    @Test
    void migrateWhenAnotherSchemaOfTheDatabaseHoldsPgTrgmThenTheSecondDeploymentHasItsTrigramIndexesToo() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("overturn-shared-db-it-"))) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(db.jdbcUrl());
            migrate(ds, "first");
            migrate(ds, "second");
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            assertThat(jdbc.queryForObject("select n.nspname from pg_extension e join pg_namespace n"
                    + " on n.oid = e.extnamespace where e.extname = 'pg_trgm'", String.class)).isEqualTo("first");
            assertThat(jdbc.queryForList("select schemaname || '.' || indexname from pg_indexes"
                    + " where indexname = 'idx_string_trigram' order by 1", String.class))
                    .containsExactly("first.idx_string_trigram", "second.idx_string_trigram");
            assertThat(jdbc.queryForObject("select count(*) from second.flyway_schema_history where not success", Integer.class))
                    .isZero();
        }
    }

    private static void migrate(PGSimpleDataSource ds, String schema) {
        FhirContext ctx = FhirContext.forR4Cached();
        SearchParameterRegistry registry = new SearchParameterRegistry(ctx, ResourceTypes.SUPPORTED);
        Flyway.configure().dataSource(ds).schemas(schema).locations("classpath:db/migration")
                .javaMigrations(new V12__Local_references(ctx, registry, List.of()),
                        new V13__Compartment_primary(ctx, registry, List.of()),
                        new V17__Ucum_canonical_quantities(ctx, registry, List.of()),
                        new V19__Composite_pairs(ctx, registry, List.of()))
                .load().migrate();
    }
}
