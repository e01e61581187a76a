package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.overturn.criteria.Knowledge;
import org.overturn.eligibility.EligibilityService;
import org.overturn.profiles.FhirPackage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CdsConfig {

    @Bean
    CoverageHookService coverageHookService(
            FhirContext ctx, ObjectMapper json, EligibilityService eligibility, Knowledge knowledge, FhirPackage fhirPackage) {
        return new CoverageHookService(ctx, eligibility, new CardFactory(ctx, json, fhirPackage), knowledge);
    }
}
