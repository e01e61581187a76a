package org.overturn.eligibility;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.overturn.criteria.CriteriaEvaluator;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.PayerDirectory;
import org.overturn.evidence.ChartSource;
import org.overturn.evidence.FactExtractor;
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
            Knowledge knowledge,
            PayerDirectory payers,
            DrugCatalog drugs,
            ChartSource charts,
            FactExtractor facts,
            CriteriaEvaluator evaluator,
            org.overturn.profiles.FhirPackage fhirPackage,
            FhirContext ctx,
            PayerRoutes routes,
            PayerGateway gateway, Clock clock) {
        return new EligibilityService(store, knowledge, payers, drugs, charts, facts, evaluator,
                new EligibilityResponseFactory(fhirPackage), routes, new PayerEligibility(ctx, gateway, store), clock);
    }
}
