package org.overturn.eligibility;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.overturn.assessment.Assessor;
import org.overturn.cases.RegimeResolver;
import org.overturn.deadlines.DeadlineCalculator;
import org.overturn.payers.PayerGateway;
import org.overturn.payers.PayerRoutes;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class EligibilityConfig {

    @Bean
    EligibilityService eligibilityService(
            ResourceStore store,
            Assessor assessor,
            org.overturn.profiles.FhirPackage fhirPackage,
            FhirContext ctx,
            PayerRoutes routes,
            PayerGateway gateway,
            RegimeResolver regimes,
            DeadlineCalculator deadlines,
            Clock clock) {
        return new EligibilityService(store, assessor,
                new EligibilityResponseFactory(fhirPackage, new PaDecisionClocks(regimes, deadlines)), routes, new PayerEligibility(ctx, gateway, store), clock);
    }
}
