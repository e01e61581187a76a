package org.overturn.payers;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PayersConfig {

    @Bean
    PayerRoutes payerRoutes(PayerProperties properties) {
        return new PayerRoutes(properties.payers());
    }

    @Bean
    PayerGateway payerGateway(FhirContext ctx, PayerProperties properties, MeterRegistry meters, Clock clock) {
        return new PayerGateway(ctx, properties, meters, clock);
    }
}
