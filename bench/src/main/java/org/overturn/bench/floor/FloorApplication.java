package org.overturn.bench.floor;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The benchmark floor: HAPI's plain RestfulServer at /fhir over in-memory maps, on the same Spring Boot and JVM as
 * Overturn. It measures what parsing, routing and serializing alone cost; it is not a FHIR server anyone should use.
 *
 * <pre>java -Dloader.main=org.overturn.bench.floor.FloorApplication -jar bench/target/overturn-bench.jar --server.port=18100</pre>
 */
@SpringBootApplication
public class FloorApplication {
    static final List<String> TYPES = List.of("Patient", "Observation", "Condition", "Coverage", "Organization",
            "Practitioner", "MedicationStatement", "MedicationRequest", "DiagnosticReport", "Procedure");

    public static void main(String[] args) {
        SpringApplication.run(FloorApplication.class, args);
    }

    @Bean
    ServletRegistrationBean<RestfulServer> floorServlet() {
        FhirContext ctx = FhirContext.forR4Cached();
        RestfulServer server = new RestfulServer(ctx);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        InMemoryStore store = new InMemoryStore(ctx);
        List<Object> providers = new ArrayList<>();
        for (String type : TYPES) {
            providers.add(new InMemoryProvider(ctx.getResourceDefinition(type).getImplementingClass(), store));
        }
        providers.add(new InMemoryTransactionProvider(store));
        server.registerProviders(providers);
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
