package org.overturn.security;

import ca.uhn.fhir.context.FhirContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.overturn.store.ResourceStore;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * The HTTP edge of SMART on FHIR authorization. With trusted issuers, every {@code /fhir} request but the
 * CapabilityStatement and SMART discovery needs a valid bearer token; what the token's scopes allow is checked per
 * interaction inside the FHIR server ({@code fhir.AccessInterceptor}). CORS preflights are answered before this chain
 * by the one CORS filter ({@code platform.CorsConfig}); CDS Hooks keeps its own client JWTs ({@code cds}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(SmartSecurityProperties.class)
class SecurityConfig {
    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    @Bean
    AccessContext accessContext(SmartSecurityProperties properties, FhirContext ctx) {
        for (String type : properties.sharedTypes()) {
            if (!ctx.getResourceTypes().contains(type) || inPatientCompartment(ctx, type)) {
                throw new IllegalStateException("overturn.security.shared-types: " + type + " is not a FHIR R4 type"
                        + " outside every patient compartment; a patient scope may read such types whole, so list only"
                        + " directories and forms (Organization, Practitioner, Questionnaire, ...)");
            }
        }
        return new AccessContext(properties.developmentMode(), java.util.Set.copyOf(properties.sharedTypes()));
    }

    /** Whether the R4 Patient CompartmentDefinition holds resources of the type (HAPI knows it per search parameter). */
    static boolean inPatientCompartment(FhirContext ctx, String type) {
        return type.equals("Patient") || ctx.getResourceDefinition(type).getSearchParams().stream()
                .anyMatch(p -> p.getProvidesMembershipInCompartments() != null
                        && p.getProvidesMembershipInCompartments().contains("Patient"));
    }

    /**
     * No observation of Spring Security's filters and authentications: the request metrics already time each
     * request, and the per-filter wrappers cost on every request (the property
     * {@code management.observations.enable.spring.security=false} only turns the observations into no-ops).
     */
    @Bean
    static org.springframework.security.config.observation.SecurityObservationSettings noSecurityObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security wraps its filter chain in one that first looks up, for every request, the Spring MVC handler
     * that would serve it ({@code HandlerMappingIntrospector}'s cache, kept for MVC request matchers and MVC CORS).
     * Overturn uses neither: its matchers are path patterns, CORS is {@code platform.CorsConfig}, and the FHIR API is
     * a servlet of its own that Spring MVC never serves, so the lookup is waste on every FHIR request (about a tenth
     * of a point read's CPU, docs/benchmarks.md). This takes that wrapper off again (what it wrapped, the chain and
     * the request-path parse its path matchers use, stays). Should a Spring Security version wrap it differently, the
     * wrapper stays (slower, not wrong) and the start log says so.
     */
    @Bean
    static org.springframework.beans.factory.config.BeanFactoryPostProcessor chainWithoutMvcLookup() {
        return beanFactory -> {
            if (!(beanFactory instanceof org.springframework.beans.factory.support.BeanDefinitionRegistry registry)
                    || !registry.containsBeanDefinition(CHAIN)) {
                return;
            }
            org.springframework.beans.factory.config.BeanDefinition chain = registry.getBeanDefinition(CHAIN);
            String type = chain.getBeanClassName();
            if (type == null || !type.endsWith("WebMvcSecurityConfiguration$CompositeFilterChainProxy")) {
                return;
            }
            var arguments = chain.getConstructorArgumentValues();
            var first = arguments.getArgumentCount() == 1 ? arguments.getIndexedArgumentValue(0, null) : null;
            if (first != null && first.getValue() instanceof java.util.List<?> filters
                    && filters.size() == 2
                    && filters.get(1) instanceof org.springframework.beans.factory.config.BeanDefinition plain) {
                registry.removeBeanDefinition(CHAIN);
                registry.registerBeanDefinition(CHAIN, plain);
            } else {
                log.warn("Spring Security's filter chain is wrapped in a way this version does not know; every request"
                        + " keeps its Spring MVC handler lookup");
            }
        };
    }

    /** The bean Spring Boot registers as the security filter. */
    static final String CHAIN = "springSecurityFilterChain";

    /** Spring Security's firewall with header checks that do not cost a regular expression per read ({@link HeaderCharacters}). */
    @Bean
    org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer firewall() {
        return web -> web.httpFirewall(HeaderCharacters.firewall());
    }

    /**
     * The store everyone else is given: reads checked against the caller's access on every path (the raw store is
     * the bean {@code resourceStore}, for the store's own configuration only).
     */
    @Bean
    @Primary
    ResourceStore accessCheckedStore(@Qualifier("resourceStore") ResourceStore store, AccessContext access) {
        return new AccessCheckedStore(store, access);
    }

    @Bean
    SecurityFilterChain securityFilterChain(
            HttpSecurity http,
            SmartSecurityProperties properties,
            FhirContext ctx,
            @Value("${overturn.fhir.base-url:}") String baseUrl,
            java.time.Clock clock)
            throws Exception {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        OutcomeEntryPoint refusals = new OutcomeEntryPoint(ctx);
        http.csrf(AbstractHttpConfigurer::disable)
                .cors(AbstractHttpConfigurer::disable) // one CORS layer: platform.CorsConfig, before this chain
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable) // one place sets them for every path: platform.SecurityHeadersFilter
                .exceptionHandling(e -> e.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
                // Stateless and lean: each request carries its token, so no session, no anonymous user, no servlet
                // API wrapping; what a request authenticated is kept on the request only. Each filter left out is
                // work saved on every request (the token path is measured in ADR 0007).
                .sessionManagement(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable)
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()));
        if (properties.developmentMode()) {
            // Nothing to check: no request goes through the chain (measured: its filters cost about a sixth of the
            // read and search throughput), so development mode answers as the server did before security existed.
            http.securityMatcher(request -> false).authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        String audience = audience(properties, baseUrl);
        // Only the FHIR API: elsewhere an Authorization header is not ours to check (CDS Hooks clients send their own
        // JWTs to /cds-services), and the status page and health probes are public.
        http.securityMatcher(new OrRequestMatcher(path.matcher("/fhir"), path.matcher("/fhir/**")))
                .authorizeHttpRequests(a -> a.requestMatchers(
                                path.matcher("/fhir/metadata"),
                                path.matcher("/fhir/.well-known/smart-configuration"),
                                path.matcher(HttpMethod.OPTIONS, "/fhir"),
                                path.matcher(HttpMethod.OPTIONS, "/fhir/"))
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(oauth -> oauth.bearerTokenResolver(new BearerTokenHeader())
                        .authenticationManagerResolver(TokenDecoders.resolver(properties, audience, clock))
                        .authenticationEntryPoint(refusals)
                        .accessDeniedHandler(refusals));
        return http.build();
    }

    @Bean
    SmartDiscovery smartDiscovery(SmartSecurityProperties properties) {
        return new SmartDiscovery(properties);
    }

    @Bean
    org.springframework.boot.web.servlet.ServletRegistrationBean<SmartConfigurationServlet> smartConfiguration(
            SmartDiscovery discovery, com.fasterxml.jackson.databind.ObjectMapper json) {
        var registration = new org.springframework.boot.web.servlet.ServletRegistrationBean<>(
                new SmartConfigurationServlet(discovery, json), SmartConfigurationServlet.PATH);
        registration.setName("smartConfiguration");
        return registration;
    }

    /** The audience tokens must name: configured, else the FHIR base URL; never guessed from a request's Host. */
    static String audience(SmartSecurityProperties properties, String baseUrl) {
        String audience = properties.audience() != null && !properties.audience().isBlank()
                ? properties.audience()
                : baseUrl;
        if (audience == null || audience.isBlank()) {
            throw new IllegalStateException("A trusted token issuer is configured but not the audience tokens must"
                    + " carry: set overturn.security.audience, or overturn.fhir.base-url (the audience defaults to"
                    + " it), to this server's FHIR base URL, for example https://fhir.example.org/fhir");
        }
        return audience;
    }

    /** Development mode binds to loopback only; a non-loopback address needs a trusted issuer (see {@link BindCheck}). */
    @Bean
    WebServerFactoryCustomizer<AbstractConfigurableWebServerFactory> bindCheck(
            SmartSecurityProperties properties,
            ServerProperties server,
            @Value("${overturn.auth-server.enabled:false}") boolean developmentAuthServer) {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(AbstractConfigurableWebServerFactory factory) {
                factory.setAddress(BindCheck.bindAddress(
                        properties.developmentMode(), developmentAuthServer, server.getAddress()));
                if (properties.developmentMode()) {
                    log.warn("DEVELOPMENT MODE: no trusted token issuer is configured (overturn.security.issuers),"
                            + " so the FHIR API answers without any token; the server listens on {} only."
                            + " Configure overturn.security.issuers[0].issuer and .jwks-uri before serving real data.",
                            factory.getAddress() == null ? "loopback" : factory.getAddress().getHostAddress());
                }
            }
        };
    }
}
