package org.overturn.platform;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * CORS for every browser-facing path, configured once: preflights are answered here, before anything else runs.
 * Allowed origins come from {@code overturn.fhir.cors-allowed-origins}. Right after it, the headers every answer
 * carries ({@link SecurityHeadersFilter}).
 */
@Configuration(proxyBeanMethods = false)
class CorsConfig {

    @Bean
    CorsConfigurationSource corsConfigurationSource(
            @Value("${overturn.fhir.cors-allowed-origins:*}") List<String> allowedOrigins) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(allowedOrigins);
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of(
                "authorization", "content-type", "accept", "prefer", "if-match", "if-none-exist", "if-none-match",
                "if-modified-since", "x-request-id"));
        cors.setExposedHeaders(List.of("location", "content-location", "etag", "last-modified", "x-request-id"));
        cors.setMaxAge(3600L);
        // The same configuration for every path: no per-request path matching (a URL-based source resolved and
        // matched each request's path, about 5% of a point read's CPU).
        return request -> cors;
    }

    @Bean
    FilterRegistrationBean<CorsFilter> corsFilter(
            @org.springframework.beans.factory.annotation.Qualifier("corsConfigurationSource") CorsConfigurationSource source) {
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<SecurityHeadersFilter> securityHeadersFilter(
            @Value("${overturn.operations.metrics-public:false}") boolean metricsPublic) {
        FilterRegistrationBean<SecurityHeadersFilter> registration =
                new FilterRegistrationBean<>(new SecurityHeadersFilter(metricsPublic));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
