package org.overturn.store;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

/**
 * Bounds every lock wait of every pooled connection by {@code overturn.store.lock-timeout}: a writer that cannot get
 * a resource's row lock in time is answered 409 rather than left waiting. Set once when the pool opens a connection
 * (after the session settings of {@code spring.datasource.hikari.connection-init-sql}), not by a statement in each
 * write's transaction, which cost a database round trip per write. A pool other than HikariCP is refused at start:
 * without this setting lock waits would be unbounded.
 */
final class LockTimeoutOnConnections implements BeanPostProcessor, Ordered {
    private final ObjectProvider<StoreProperties> properties;

    LockTimeoutOnConnections(ObjectProvider<StoreProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof HikariDataSource pool) {
            String setting = "SET lock_timeout = " + properties.getObject().lockTimeout().toMillis(); // milliseconds
            String before = pool.getConnectionInitSql();
            pool.setConnectionInitSql(before == null || before.isBlank() ? setting
                    : before.strip().replaceAll(";+$", "") + "; " + setting);
        } else if (bean instanceof DataSource) {
            throw new IllegalStateException("The DataSource '" + name + "' is a " + bean.getClass().getName()
                    + "; Overturn sets each connection's lock timeout through HikariCP, Spring Boot's default pool:"
                    + " remove spring.datasource.type or set it to com.zaxxer.hikari.HikariDataSource");
        }
        return bean;
    }

    /** After Spring Boot has bound {@code spring.datasource.hikari.*} to the pool. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
