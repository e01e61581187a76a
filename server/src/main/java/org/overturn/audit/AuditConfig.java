package org.overturn.audit;

import java.time.Clock;
import org.overturn.security.AccessContext;
import org.overturn.store.ResourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuditConfig {
    private static final Logger log = LoggerFactory.getLogger(AuditConfig.class);

    @Bean
    AuditLog auditLog(ResourceStore store, AuditProperties properties) {
        return new AuditLog(store, properties);
    }

    /**
     * FHIR requests that got past authentication: after Spring Security's chain (the caller is known) and before the
     * stored-JSON filter (which answers plain reads and searches itself).
     */
    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(AuditLog audit, AuditProperties properties, AccessContext access, Clock clock) {
        boolean enabled = enabled(properties, access);
        log.info(enabled ? "Audit: every FHIR request and CDS Hooks call is stored as an AuditEvent"
                : "Audit: off (overturn.audit.enabled)");
        return registration(audit, clock, AuditFilter.Placement.AUTHENTICATED, "/fhir/*", enabled,
                SecurityProperties.DEFAULT_FILTER_ORDER + 5);
    }

    /** FHIR requests refused by authentication (401), recorded from in front of Spring Security's chain. */
    @Bean
    FilterRegistrationBean<AuditFilter> auditRefusals(AuditLog audit, AuditProperties properties, AccessContext access, Clock clock) {
        return registration(audit, clock, AuditFilter.Placement.REFUSED, "/fhir/*",
                enabled(properties, access) && !access.developmentMode(), SecurityProperties.DEFAULT_FILTER_ORDER - 5);
    }

    @Bean
    FilterRegistrationBean<AuditFilter> auditCdsHooks(AuditLog audit, AuditProperties properties, AccessContext access, Clock clock) {
        return registration(audit, clock, AuditFilter.Placement.CDS_HOOKS, "/cds-services/*", enabled(properties, access),
                org.springframework.core.Ordered.LOWEST_PRECEDENCE);
    }

    private static FilterRegistrationBean<AuditFilter> registration(
            AuditLog audit, Clock clock, AuditFilter.Placement placement, String urls, boolean enabled, int order) {
        FilterRegistrationBean<AuditFilter> registration =
                new FilterRegistrationBean<>(new AuditFilter(audit, clock, placement));
        registration.addUrlPatterns(urls);
        registration.setEnabled(enabled);
        registration.setOrder(order);
        return registration;
    }

    private static boolean enabled(AuditProperties properties, AccessContext access) {
        return properties.enabled() != null ? properties.enabled() : !access.developmentMode();
    }
}
