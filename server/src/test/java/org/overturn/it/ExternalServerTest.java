package org.overturn.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The server on an external PostgreSQL named by OVERTURN_TEST_JDBC_URL (CI sets it when 127.0.0.1:5432 answers), in
 * a schema of its own that is dropped and recreated per run.
 */
// Failsafe passes the environment on; an unset variable must not look set (Maven would leave "${env...}" literally).
@EnabledIfEnvironmentVariable(named = ExternalServerTest.ENV, matches = "jdbc:.+")
public abstract class ExternalServerTest extends ServerTest {
    static final String ENV = "OVERTURN_TEST_JDBC_URL";
    static final String SCHEMA = "overturn_it";

    @DynamicPropertySource
    static void external(DynamicPropertyRegistry registry) throws SQLException {
        String url = System.getenv(ENV);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + SCHEMA + " cascade");
        }
        String withSchema = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        registry.add("spring.datasource.url", () -> withSchema);
        registry.add("spring.flyway.schemas", () -> SCHEMA);
    }
}
