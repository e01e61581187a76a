package org.overturn.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Whether the database answers, for readiness, without borrowing from the request pool: a pool busy with requests
 * means the instance is working, not that it is down, yet borrowing would wait for the pool's timeout and fail the
 * probe, taking a working instance out of rotation. The check keeps one connection of its own, opened with the pool's
 * URL and credentials, and tests it with a bounded validity check.
 */
@Component("database")
final class DatabaseHealth implements HealthIndicator, DisposableBean {
    private static final int TIMEOUT_SECONDS = 3;

    private final DataSource dataSource;
    private @Nullable Connection connection;

    DatabaseHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public synchronized Health health() {
        try {
            if (connection == null || !connection.isValid(TIMEOUT_SECONDS)) {
                closeQuietly();
                connection = open();
            }
            Health.Builder up = Health.up();
            if (dataSource instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
                up.withDetail("poolActive", pool.getHikariPoolMXBean().getActiveConnections())
                        .withDetail("poolIdle", pool.getHikariPoolMXBean().getIdleConnections())
                        .withDetail("poolWaiting", pool.getHikariPoolMXBean().getThreadsAwaitingConnection());
            }
            return up.build();
        } catch (SQLException e) {
            closeQuietly();
            return Health.down().withDetail("error", "the database does not answer").build();
        }
    }

    private Connection open() throws SQLException {
        if (!(dataSource instanceof HikariDataSource pool)) {
            return dataSource.getConnection(); // another pool: its own rules apply
        }
        Properties props = new Properties();
        if (pool.getUsername() != null) {
            props.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            props.setProperty("password", pool.getPassword());
        }
        props.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS * 2));
        props.setProperty("ApplicationName", "overturn-health");
        return DriverManager.getConnection(pool.getJdbcUrl(), props);
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken; a new one is opened on the next check
            }
            connection = null;
        }
    }

    @Override
    public synchronized void destroy() {
        closeQuietly();
    }
}
