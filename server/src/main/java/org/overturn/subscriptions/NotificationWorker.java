package org.overturn.subscriptions;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.hl7.fhir.r4.model.Subscription;
import org.overturn.platform.Backoff;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.platform.ParallelSends;
import org.overturn.store.ResourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued notifications: queues the heartbeats that are due, claims due rows, and POSTs each to its
 * subscription's endpoint. A 2xx marks the row delivered (and a handshake makes the Subscription active); anything
 * else is retried with exponential backoff and jitter. After the last attempt the Subscription goes to {@code error}
 * (a handshake or heartbeat is dropped; an event stays queued and goes out once the subscriber asks again and the
 * new handshake succeeds). Delivery is at least once; subscribers drop repeats by event number.
 */
final class NotificationWorker {
    private static final Logger log = LoggerFactory.getLogger(NotificationWorker.class);

    private final FhirContext ctx;
    private final ResourceStore store;
    private final NotificationOutbox outbox;
    private final SubscriptionReader reader;
    private final NotificationClient client;
    private final Notifications notifications;
    private final SubscriptionStatuses statuses;
    private final SubscriptionsProperties settings;
    private final Supplier<String> serverBase;
    private final RandomGenerator random;
    private final ParallelSends senders;

    NotificationWorker(FhirContext ctx, ResourceStore store, NotificationOutbox outbox, SubscriptionReader reader,
            NotificationClient client, Notifications notifications, SubscriptionStatuses statuses,
            SubscriptionsProperties settings, Supplier<String> serverBase, RandomGenerator random) {
        this.ctx = ctx;
        this.store = store;
        this.outbox = outbox;
        this.reader = reader;
        this.client = client;
        this.notifications = notifications;
        this.statuses = statuses;
        this.settings = settings;
        this.serverBase = serverBase;
        this.random = random;
        this.senders = new ParallelSends("subscription-send", settings.parallelism());
    }

    /** Queues due heartbeats, then claims the notifications due at {@code now} and sends them; returns how many. */
    int deliverDue(Instant now) {
        store.inTransaction(() -> outbox.enqueueDueHeartbeats(now));
        List<NotificationOutbox.Row> rows = store.inTransaction(() -> outbox.claimDue(now, settings.batchSize(), settings.lease()));
        // One subscription's rows go out on one thread (at most one event of it is claimed at a time); subscriptions in
        // parallel, so a slow endpoint holds up only its own notifications.
        Map<String, List<NotificationOutbox.Row>> bySubscription = new LinkedHashMap<>();
        rows.forEach(r -> bySubscription.computeIfAbsent(r.subscriptionId(), k -> new ArrayList<>()).add(r));
        senders.sendAll(bySubscription.values(), group -> group.forEach(row -> deliver(row, now)));
        return rows.size();
    }

    /** Sends one row; true when the endpoint took it. */
    private boolean deliver(NotificationOutbox.Row row, Instant now) {
        String id = row.subscriptionId();
        Subscription subscription;
        BackportSubscription channel;
        try {
            subscription = (Subscription) store.read("Subscription", id).content();
            channel = reader.read(subscription);
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.GONE) {
                return false; // deleted meanwhile: its rows went with it
            }
            giveUp(row, "the Subscription can no longer be served: " + e.getMessage(), now);
            return false;
        }
        NotificationOutbox.State state = outbox.state(id).orElse(null);
        if (state == null) {
            return false;
        }
        String type = row.kind();
        List<NotificationFactory.Event> events = type.equals(BackportProfiles.EVENT_NOTIFICATION)
                ? List.of(notifications.event(row, channel.content(), serverBase.get()))
                : List.of();
        NotificationFactory.Status status = new NotificationFactory.Status(id, row.topic(), subscription.getStatus().toCode(),
                state.eventsSinceStart(), null);
        Bundle bundle = NotificationFactory.notification(serverBase.get(), status, type, channel.content(), events, now);
        String body = channel.mimeType().contains("xml")
                ? ctx.newXmlParser().encodeResourceToString(bundle)
                : ctx.newJsonParser().encodeResourceToString(bundle);
        Duration timeout = channel.timeoutSeconds() == null ? settings.deliveryTimeout()
                : min(Duration.ofSeconds(channel.timeoutSeconds()), settings.deliveryTimeout());
        String failure = client.send(channel, body, timeout);
        if (failure == null) {
            store.inTransaction(() -> {
                if (outbox.delivered(row.id(), now)) {
                    outbox.postponeHeartbeat(id, now);
                    if (type.equals(BackportProfiles.HANDSHAKE)) {
                        statuses.change(id, Set.of(SubscriptionStatus.REQUESTED), SubscriptionStatus.ACTIVE, null,
                                "the endpoint accepted the handshake");
                    }
                }
                return true;
            });
            return true;
        }
        if (row.attempts() >= settings.maxAttempts()) {
            giveUp(row, failure + " (" + row.attempts() + " attempts)", now);
        } else {
            Duration wait = Backoff.of(row.attempts(), settings.initialBackoff(), settings.maxBackoff(), random.nextDouble());
            store.inTransaction(() -> {
                outbox.retryAt(row.id(), now.plus(wait), failure);
                return true;
            });
            log.warn("{} of Subscription/{} (row {}) failed: {}; attempt {} of {}, next in {}", type, id, row.id(), failure,
                    row.attempts(), settings.maxAttempts(), wait);
        }
        return false;
    }

    /** The endpoint did not take the row in the attempts allowed: the Subscription goes to error. */
    private void giveUp(NotificationOutbox.Row row, String why, Instant now) {
        String error = "Delivery of a " + row.kind() + " failed: " + why;
        store.inTransaction(() -> {
            if (row.kind().equals(BackportProfiles.EVENT_NOTIFICATION)) {
                outbox.keepForReactivation(row.id(), now, why);
            } else {
                outbox.failed(row.id(), now, why);
            }
            statuses.change(row.subscriptionId(), Set.of(SubscriptionStatus.REQUESTED, SubscriptionStatus.ACTIVE),
                    SubscriptionStatus.ERROR, error, error);
            return true;
        });
        log.warn("Subscription/{} is in error: {}", row.subscriptionId(), error);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    void shutdown() {
        senders.shutdown();
    }
}
