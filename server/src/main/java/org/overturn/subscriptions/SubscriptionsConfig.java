package org.overturn.subscriptions;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.overturn.platform.HostAllowList;
import org.overturn.platform.Poller;
import org.overturn.security.AccessContext;
import org.overturn.store.ResourceStore;
import org.overturn.store.WriteListener;
import org.overturn.store.WriteRule;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class SubscriptionsConfig {

    @Bean
    TopicCatalog topicCatalog() {
        return TopicCatalog.load();
    }

    /** Which endpoints may be called: judged when a Subscription is stored and again at each delivery. */
    private static HostAllowList endpoints(SubscriptionsProperties properties) {
        return new HostAllowList(properties.allowedHosts(), properties.allowLoopback(), "endpoint",
                "overturn.subscriptions.allowed-hosts");
    }

    @Bean
    SubscriptionReader subscriptionReader(TopicCatalog topics, SubscriptionsProperties properties) {
        return new SubscriptionReader(topics, endpoints(properties), properties.minHeartbeatPeriod());
    }

    @Bean
    NotificationOutbox notificationOutbox(JdbcTemplate jdbc) {
        return new NotificationOutbox(jdbc);
    }

    @Bean
    WriteRule subscriptionRule(SubscriptionReader reader, AccessContext access) {
        return new SubscriptionRule(reader, access);
    }

    @Bean
    WriteListener subscriptionListener(SubscriptionReader reader, NotificationOutbox outbox, Clock clock) {
        return new SubscriptionListener(reader, outbox, clock);
    }

    @Bean
    TopicEvents topicEvents(TopicCatalog topics, NotificationOutbox outbox, TransactionTemplate tx, Clock clock) {
        return new OutboxTopicEvents(topics, outbox, tx, clock);
    }

    @Bean
    Notifications notifications(ResourceStore store, TopicCatalog topics, ObjectProvider<TopicContent> contents) {
        Map<String, TopicContent> byTopic = new HashMap<>();
        contents.orderedStream().forEach(c -> {
            topics.require(c.topic());
            byTopic.put(c.topic(), c);
        });
        return new Notifications(store, byTopic);
    }

    @Bean
    SubscriptionService subscriptionService(ResourceStore store, NotificationOutbox outbox, SubscriptionReader reader,
            Notifications notifications, TopicCatalog topics, Clock clock) {
        return new SubscriptionService(store, outbox, reader, notifications, topics, clock);
    }

    @Bean(destroyMethod = "shutdown")
    NotificationWorker notificationWorker(FhirContext ctx, ResourceStore store, NotificationOutbox outbox,
            SubscriptionReader reader, Notifications notifications, SubscriptionsProperties properties, Environment env, Clock clock) {
        return new NotificationWorker(ctx, store, outbox, reader, new NotificationClient(properties.deliveryTimeout(), endpoints(properties)),
                notifications, new SubscriptionStatuses(store, clock), properties, serverBase(env),
                RandomGenerator.getDefault());
    }

    /** Finished notifications past their retention are deleted once an hour, by every instance (a delete is idempotent). */
    @Bean
    Poller notificationPurge(NotificationOutbox outbox, SubscriptionsProperties properties, Clock clock) {
        return new Poller("subscription-purge", properties.enabled(), Duration.ofHours(1),
                () -> outbox.purgeFinished(clock.instant(), properties.retention()));
    }

    /** Rounds one poll may run back to back while rows keep coming (a handshake unblocks the events behind it). */
    private static final int MAX_ROUNDS = 50;

    @Bean
    Poller notificationPoller(NotificationWorker worker, SubscriptionsProperties properties, Clock clock) {
        return new Poller("subscription-poll", properties.enabled(), properties.pollInterval(), () -> {
            for (int round = 0; round < MAX_ROUNDS && worker.deliverDue(clock.instant()) > 0; round++) {
                // more may be due: events wait behind the handshake or event before them
            }
        });
    }

    /**
     * The FHIR base URL notifications name this server by: {@code overturn.fhir.base-url}, else this machine's port
     * (a notification is sent outside any request, so there is no request URL to derive it from).
     */
    private static Supplier<String> serverBase(Environment env) {
        return () -> {
            String configured = env.getProperty("overturn.fhir.base-url");
            if (configured != null && !configured.isBlank()) {
                return configured;
            }
            return "http://localhost:" + env.getProperty("local.server.port", env.getProperty("server.port", "8080")) + "/fhir";
        };
    }
}
