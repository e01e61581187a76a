package org.overturn.pas;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.overturn.assessment.Assessor;
import org.overturn.cases.CaseReader;
import org.overturn.criteria.Knowledge;
import org.overturn.payers.PayerGateway;
import org.overturn.payers.PayerRoute;
import org.overturn.payers.PayerRoutes;
import org.overturn.platform.Poller;
import org.overturn.platform.RequiredElements;
import org.overturn.security.AccessContext;
import org.overturn.store.ResourceStore;
import org.overturn.subscriptions.TopicEvents;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class PasConfig {

    /** The edge reads a PAS Bundle into a {@link PasRequest} with it before PasService takes the request. */
    @Bean
    PasBundleReader pasBundleReader(FhirContext ctx, RequiredElements requiredElements) {
        return new PasBundleReader(ctx, requiredElements::check);
    }

    @Bean
    PasService pasService(FhirContext ctx, ResourceStore store, Assessor assessor, Knowledge knowledge,
            PayerRoutes routes, JdbcTemplate jdbc, PasProperties properties, AccessContext access, CaseReader cases,
            Clock clock) {
        return new PasService(store,
                new SandboxPayer(assessor, knowledge, properties.sandbox().unmatched()),
                new PasResponseFactory(ctx), routes, new PasOutbox(jdbc), new PasSubmissions(jdbc), cases, access::tokenClient,
                clock);
    }

    @Bean(destroyMethod = "shutdown")
    PasOutboxWorker pasOutboxWorker(FhirContext ctx, ResourceStore store, PasProperties properties, PayerGateway gateway,
            PayerRoutes routes, JdbcTemplate jdbc) {
        requireLeaseLongerThanCalls(properties.outbox().lease(), routes);
        return new PasOutboxWorker(store, new PasOutbox(jdbc), new PayerClient(gateway, ctx), gateway, routes,
                properties.outbox(), new PasResponseFactory(ctx), RandomGenerator.getDefault());
    }

    /** Both a store listener (ClaimResponse updates) and the topic's full-resource content. */
    @Bean
    PasSubscriptionTopic pasSubscriptionTopic(FhirContext ctx, ObjectProvider<ResourceStore> store, TopicEvents events, Clock clock) {
        return new PasSubscriptionTopic(store::getObject, events, new PasResponseFactory(ctx), clock);
    }

    @Bean
    Poller pasOutboxPoller(PasOutboxWorker worker, PasProperties properties, Clock clock) {
        PasProperties.Outbox outbox = properties.outbox();
        return new Poller("pas-outbox", outbox.enabled(), outbox.pollInterval(), () -> {
            while (worker.deliverDue(clock.instant()) == outbox.batchSize()) {
                // a full batch: more may be due
            }
        });
    }

    /**
     * A lease that ends while the delivering instance is still waiting for the payer would let another instance ask
     * the payer too early (before the request arrived) and send it a second time. One delivery makes at most four
     * calls that can each take the route's timeout: token, inquiry, token renewal, submit.
     */
    static void requireLeaseLongerThanCalls(Duration lease, PayerRoutes routes) {
        for (PayerRoute route : routes.all()) {
            if (lease.compareTo(route.timeout().multipliedBy(4)) <= 0) {
                throw new IllegalStateException("overturn.pas.outbox.lease (" + lease + ") must be longer than four times the"
                        + " timeout of payer " + route.identifier() + " (" + route.timeout() + "); raise the lease or lower the timeout");
            }
        }
    }
}
