package org.overturn.pas;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.overturn.criteria.Knowledge;
import org.overturn.eligibility.EligibilityService;
import org.overturn.store.ResourceStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PasConfig {

    @Bean
    PasService pasService(FhirContext ctx, ResourceStore store, EligibilityService eligibility, Knowledge knowledge) {
        return new PasService(store, new PasBundleReader(ctx), new SandboxPayer(eligibility, knowledge),
                new PasResponseFactory(ctx), Clock.systemUTC());
    }
}
