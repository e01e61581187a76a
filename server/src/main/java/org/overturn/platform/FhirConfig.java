package org.overturn.platform;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one FhirContext of the application. */
@Configuration(proxyBeanMethods = false)
class FhirConfig {

    @Bean
    FhirContext fhirContext() {
        FhirContext ctx = FhirContext.forR4Cached();
        // Inbound bodies are checked strictly (unknown elements, bad values are client errors); Overturn writes only
        // what it parsed, so stored content always passes too.
        ctx.setParserErrorHandler(new StrictErrorHandler());
        // FHIRPath (search indexing) needs only the type hierarchy, not HAPI's full StructureDefinitions.
        ctx.setValidationSupport(new FhirPathTypes(ctx));
        return ctx;
    }

    @Bean
    RequiredElements requiredElements(FhirContext ctx) {
        return new RequiredElements(ctx);
    }
}
