package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.server.ETagSupportEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.overturn.platform.RequiredElements;
import org.overturn.security.AccessContext;
import org.overturn.security.SmartDiscovery;
import org.overturn.store.ResourceStore;
import org.overturn.store.SearchParameterRegistry;
import org.overturn.store.StoreProperties;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Mounts the HAPI plain server at /fhir with one generic provider per supported resource type. */
@Configuration(proxyBeanMethods = false)
class FhirServerConfig {
    @Bean
    RestfulServer fhirServer(
            FhirContext ctx,
            RequiredElements validator,
            ResourceStore store,
            SearchParameterRegistry registry,
            StoreProperties storeProperties,
            FhirProperties properties,
            org.overturn.eligibility.EligibilityService eligibility,
            org.overturn.pas.PasBundleReader pasRequests,
            org.overturn.pas.PasService pas,
            org.overturn.appeals.AppealService appeals,
            org.overturn.appeals.ExternalReviewService externalReviews,
            org.overturn.appeals.CaseLetters caseLetters,
            org.overturn.subscriptions.SubscriptionService subscriptions,
            org.overturn.fax.FaxPacketService faxPackets,
            org.overturn.summary.PatientSummaryService summaries,
            org.overturn.letter.LetterPdfService letterPdfs,
            org.overturn.profiles.FhirPackage fhirPackage,
            org.overturn.profiles.QuestionnairePackages questionnairePackages,
            org.overturn.profiles.ProfileValidation profileValidation,
            AccessContext access,
            SmartDiscovery discovery,
            Clock clock) {
        RestfulServer server = new RestfulServer(ctx);
        server.setServerName("Overturn");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setDefaultPrettyPrint(false);
        server.setETagSupport(ETagSupportEnum.ENABLED);
        server.setDefaultPreferReturn(PreferReturnEnum.REPRESENTATION);
        server.setDefaultPageSize(storeProperties.defaultPageSize());
        server.setMaximumPageSize(storeProperties.maxPageSize());
        server.setServerAddressStrategy(addressStrategy(properties));

        FhirInteractions interactions = new FhirInteractions(store, storeProperties, clock);
        WriteValidation writes = new WriteValidation(profileValidation, properties.validateOnWrite(),
                java.util.Set.copyOf(registry.resourceTypes()));
        List<Object> providers = new ArrayList<>();
        for (String type : registry.resourceTypes()) {
            Class<? extends IBaseResource> implementing = ctx.getResourceDefinition(type).getImplementingClass();
            providers.add(new ResourceProvider(implementing, type, store, validator, interactions, profileValidation, writes));
        }
        AccessInterceptor accessChecks = new AccessInterceptor(access, store);
        HookRefusalLogFilter.install(); // its refusals are answers: no ERROR line from HAPI for each
        providers.add(new SystemProvider(new BundleProcessor(ctx, store, validator, writes, interactions, properties.maxBundleEntries(), clock, registry), interactions, access, accessChecks));
        providers.add(new CoverageEligibilityOperationProvider(eligibility));
        providers.add(new ClaimLetterOperationProvider(caseLetters));
        providers.add(new PasOperationProvider(ctx, pasRequests, pas));
        providers.add(new AppealOperationProvider(appeals, externalReviews));
        providers.add(new SubscriptionOperationProvider(subscriptions));
        providers.add(new FaxPacketOperationProvider(faxPackets));
        providers.add(new PatientSummaryOperationProvider(summaries));
        providers.add(new RenderPdfOperationProvider(letterPdfs));
        providers.add(new QuestionnairePackageOperationProvider(questionnairePackages));
        server.registerProviders(providers);
        // First: the access check sees every request and every response before any other interceptor.
        server.registerInterceptor(accessChecks);
        server.registerInterceptor(new OutcomeInterceptor());
        server.registerInterceptor(new StoredBundleInterceptor(ctx));
        server.registerInterceptor(new HistoryBundleInterceptor());
        server.registerInterceptor(new WrittenResourceInterceptor(ctx));
        server.registerInterceptor(new CapabilityStatementInterceptor(
                registry, fhirPackage.resources(CapabilityStatement.class).get(0), subscriptions.topicUrls(), discovery));
        server.registerInterceptor(new EncodedCapabilityStatement(ctx));
        return server;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<FhirRequestFilter> fhirRequestFilter(
            FhirContext ctx, FhirProperties properties, io.micrometer.core.instrument.MeterRegistry meters) {
        FilterRegistrationBean<FhirRequestFilter> registration =
                new FilterRegistrationBean<>(new FhirRequestFilter(ctx, properties.maxBodySize().toBytes(), meters,
                        new ClientConcurrency(properties.maxConcurrentRequestsPerClient())));
        registration.addUrlPatterns("/fhir/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** The base URL the server names itself by in links: configured, else taken from each request. */
    private static IServerAddressStrategy addressStrategy(FhirProperties properties) {
        return properties.baseUrl() == null || properties.baseUrl().isBlank()
                ? new IncomingRequestAddressStrategy()
                : new HardcodedServerAddressStrategy(properties.baseUrl());
    }

    /**
     * Spring's HTTP server observation sees every FHIR request as {@code uri=UNKNOWN} (HAPI's servlet is not Spring
     * MVC) and cost about a tenth of a read's CPU; {@link FhirRequestFilter}'s timer measures FHIR requests instead.
     */
    @Bean
    io.micrometer.observation.ObservationPredicate noServerObservationOfFhirRequests() {
        return (name, context) -> !(context instanceof org.springframework.http.server.observation.ServerRequestObservationContext c
                && c.getCarrier().getRequestURI().startsWith(c.getCarrier().getContextPath() + "/fhir/"));
    }

    @Bean
    FilterRegistrationBean<StoredJsonFilter> storedJsonFilter(
            FhirContext ctx, ResourceStore store, FhirProperties properties, AccessContext access, Clock clock) {
        FilterRegistrationBean<StoredJsonFilter> registration =
                new FilterRegistrationBean<>(new StoredJsonFilter(ctx, store, addressStrategy(properties), access, clock));
        registration.addUrlPatterns("/fhir/*");
        // After the request filter (requests answered here are counted, logged and carry a request id too) and after
        // Spring Security's chain: a request without a valid token never gets here.
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<CompartmentSearchFilter> compartmentSearchFilter(
            FhirContext ctx, SearchParameterRegistry registry) {
        FilterRegistrationBean<CompartmentSearchFilter> registration =
                new FilterRegistrationBean<>(new CompartmentSearchFilter(ctx, registry));
        registration.addUrlPatterns("/fhir/*");
        // Last before HAPI's servlet: the filters before it (request log, audit, security) see the path as sent.
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 11);
        return registration;
    }
}
