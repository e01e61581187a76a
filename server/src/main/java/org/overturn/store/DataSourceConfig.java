package org.overturn.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With no {@code spring.datasource.url}, Overturn runs its own PostgreSQL in {@code overturn.data-dir}; otherwise
 * Spring Boot's standard datasource settings apply and nothing here is created.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DataSourceConfig.NoDatasourceUrl.class)
class DataSourceConfig {

    static final class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(@Value("${overturn.data-dir:./overturn-data}") Path dataDir) throws IOException {
        return EmbeddedDatabase.start(dataDir);
    }

    @Bean
    DataSource dataSource(
            EmbeddedDatabase database,
            @Value("${spring.datasource.hikari.connection-init-sql:}") String initSql,
            @Value("${spring.datasource.hikari.connection-timeout:3000}") long connectionTimeoutMillis) {
        // Configured before its first connection, not through new HikariDataSource(config), which starts the pool at
        // once: LockTimeoutOnConnections adds to the connection init SQL after this method.
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(10);
        pool.setPoolName("overturn-embedded");
        pool.setConnectionTimeout(connectionTimeoutMillis);
        if (!initSql.isBlank()) {
            pool.setConnectionInitSql(initSql);
        }
        return pool;
    }
}
