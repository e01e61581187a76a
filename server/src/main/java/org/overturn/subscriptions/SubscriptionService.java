package org.overturn.subscriptions;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Subscription;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.jspecify.annotations.Nullable;

/**
 * The Backport IG's operations on Subscriptions: {@code $status} (the SubscriptionStatus of one or several) and
 * {@code $events} (event notifications already queued, for a subscriber that missed some).
 */
public final class SubscriptionService {
    /** Most events one $events call answers; ask again from the next number. */
    static final int MAX_EVENTS = 100;
    private static final int MAX_STATUSES = 1000;

    private final ResourceStore store;
    private final NotificationOutbox outbox;
    private final SubscriptionReader reader;
    private final Notifications notifications;
    private final TopicCatalog topics;
    private final Clock clock;

    SubscriptionService(ResourceStore store, NotificationOutbox outbox, SubscriptionReader reader, Notifications notifications,
            TopicCatalog topics, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.reader = reader;
        this.notifications = notifications;
        this.topics = topics;
        this.clock = clock;
    }

    /** The topics this server supports, for the CapabilityStatement. */
    public List<String> topicUrls() {
        return topics.all().stream().map(Topic::url).toList();
    }

    /** {@code Subscription/{id}/$status}: a searchset Bundle with the one SubscriptionStatus. */
    public Bundle status(String id, String serverBase) {
        StoredResource stored = store.read("Subscription", id);
        return searchset(List.of(status(stored, serverBase)));
    }

    /** {@code Subscription/$status}: the SubscriptionStatus of each Subscription with one of {@code ids} and {@code statuses}. */
    public Bundle statuses(List<String> ids, List<String> statuses, String serverBase) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            query.put("_id", List.of(String.join(",", ids)));
        }
        if (!statuses.isEmpty()) {
            query.put("status", List.of(String.join(",", statuses)));
        }
        query.put("_count", List.of(Integer.toString(MAX_STATUSES)));
        List<Parameters> out = new ArrayList<>();
        for (StoredResource stored : store.search(store.parse("Subscription", query, false)).items()) {
            out.add(status(stored, serverBase));
        }
        return searchset(out);
    }

    private Parameters status(StoredResource stored, String serverBase) {
        Subscription subscription = (Subscription) stored.content();
        NotificationOutbox.State state = outbox.state(stored.id()).orElse(null);
        String topic = state != null ? state.topic() : subscription.getCriteria();
        NotificationFactory.Status status = new NotificationFactory.Status(stored.id(), topic, subscription.getStatus().toCode(),
                state == null ? 0 : state.eventsSinceStart(), subscription.hasError() ? subscription.getError() : null);
        return NotificationFactory.status(serverBase, status, BackportProfiles.QUERY_STATUS, BackportProfiles.ID_ONLY, List.of());
    }

    private static Bundle searchset(List<Parameters> statuses) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setId(UUID.randomUUID().toString());
        bundle.setTotal(statuses.size());
        for (Parameters p : statuses) {
            bundle.addEntry().setFullUrl("urn:uuid:" + p.getId()).setResource(p).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    /**
     * {@code Subscription/{id}/$events}: a notification Bundle (type query-event) with the events numbered
     * {@code since} to {@code until} (inclusive), at most {@link #MAX_EVENTS}, in the content asked for or else the
     * Subscription's own.
     */
    public Bundle events(EventsRequest request, String serverBase) {
        String id = request.subscriptionId();
        StoredResource stored = store.read("Subscription", id);
        Subscription subscription = (Subscription) stored.content();
        NotificationOutbox.State state = outbox.state(id).orElseThrow(() -> new OverturnException(ErrorCode.NOT_FOUND,
                "Subscription/" + id + " has no events"));
        Long since = request.since();
        Long until = request.until();
        EventsRequest.Content content = request.content();
        long from = since == null ? 1 : since;
        long to = until == null ? state.eventsSinceStart() : until;
        String asked = content == null ? reader.read(subscription).content() : content.code();
        List<NotificationFactory.Event> events = new ArrayList<>();
        for (NotificationOutbox.Row row : outbox.events(id, from, to, MAX_EVENTS)) {
            events.add(notifications.event(row, asked, serverBase));
        }
        NotificationFactory.Status status = new NotificationFactory.Status(id, state.topic(), subscription.getStatus().toCode(),
                state.eventsSinceStart(), subscription.hasError() ? subscription.getError() : null);
        return NotificationFactory.notification(serverBase, status, BackportProfiles.QUERY_EVENT, asked, events, clock.instant());
    }
}
