package org.overturn.pas;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.overturn.criteria.Knowledge;
import org.overturn.eligibility.EligibilityService;
import org.overturn.store.ResourceStore;
import org.overturn.subscriptions.TopicEvents;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class PasConfig {

    @Bean
    PasService pasService(FhirContext ctx, ResourceStore store, EligibilityService eligibility, Knowledge knowledge,
            PasProperties properties, JdbcTemplate jdbc) {
        return new PasService(store, new PasBundleReader(ctx), new SandboxPayer(eligibility, knowledge),
                new PasResponseFactory(ctx), new PayerRouter(properties.payers()), new PasOutbox(jdbc), Clock.systemUTC());
    }

    @Bean
    PasOutboxWorker pasOutboxWorker(FhirContext ctx, ResourceStore store, PasProperties properties, JdbcTemplate jdbc) {
        return new PasOutboxWorker(store, new PasOutbox(jdbc), new PayerClient(ctx), new PayerRouter(properties.payers()),
                properties.outbox(), new PasResponseFactory(ctx), RandomGenerator.getDefault());
    }

    /** Both a store listener (ClaimResponse updates) and the topic's full-resource content. */
    @Bean
    PasSubscriptionTopic pasSubscriptionTopic(FhirContext ctx, ObjectProvider<ResourceStore> store, TopicEvents events) {
        return new PasSubscriptionTopic(store::getObject, events, new PasResponseFactory(ctx));
    }

    @Bean
    PasOutboxPoller pasOutboxPoller(PasOutboxWorker worker, PasProperties properties) {
        return new PasOutboxPoller(worker, properties.outbox(), Clock.systemUTC());
    }
}
