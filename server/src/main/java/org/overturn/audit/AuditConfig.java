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

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(AuditLog audit, AuditProperties properties, AccessContext access) {
        boolean enabled = enabled(properties, access);
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(
                new AuditFilter(audit, Clock.systemUTC(), AuditFilter.Placement.AUTHENTICATED));
        registration.addUrlPatterns("/fhir/*");
        registration.setEnabled(enabled);
        // After Spring Security's chain (the caller is known) and before the stored-JSON filter (which answers
        // plain reads and searches itself).
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 5);
        log.info(enabled ? "Audit: every FHIR request and CDS Hooks call is stored as an AuditEvent"
                : "Audit: off (overturn.audit.enabled)");
        return registration;
    }

    /** FHIR requests refused by authentication (401), recorded from in front of Spring Security's chain. */
    @Bean
    FilterRegistrationBean<AuditFilter> auditRefusals(AuditLog audit, AuditProperties properties, AccessContext access) {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(
                new AuditFilter(audit, Clock.systemUTC(), AuditFilter.Placement.REFUSED));
        registration.addUrlPatterns("/fhir/*");
        registration.setEnabled(enabled(properties, access) && !access.developmentMode());
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER - 5);
        return registration;
    }

    @Bean
    FilterRegistrationBean<AuditFilter> auditCdsHooks(AuditLog audit, AuditProperties properties, AccessContext access) {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(
                new AuditFilter(audit, Clock.systemUTC(), AuditFilter.Placement.CDS_HOOKS));
        registration.addUrlPatterns("/cds-services/*");
        registration.setEnabled(enabled(properties, access));
        return registration;
    }

    private static boolean enabled(AuditProperties properties, AccessContext access) {
        return properties.enabled() != null ? properties.enabled() : !access.developmentMode();
    }
}
