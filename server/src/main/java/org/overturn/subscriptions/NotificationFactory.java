package org.overturn.subscriptions;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.jspecify.annotations.Nullable;

/**
 * Builds the R4 notification Bundle of the Subscriptions Backport IG: a {@code history} Bundle whose first entry is
 * the SubscriptionStatus (a Parameters), followed, for id-only and full-resource content, by one entry per resource an
 * event names (its focus, then its additional context). Every focus and additional-context reference of the status is
 * the fullUrl of one of those entries, so a subscriber (and a conformance checker) resolves it inside the Bundle. Pure:
 * everything it needs is passed in.
 */
final class NotificationFactory {
    private NotificationFactory() {}

    /**
     * A resource an event names, as its notification entry.
     *
     * @param fullUrl what the status's focus or additional-context reference says
     * @param resource the content (full-resource); null for id-only, or when it can no longer be read
     * @param method with {@code url}: the entry's request, which a history Bundle needs
     * @param status the entry's response status
     */
    record Entry(String fullUrl, @Nullable Resource resource, Bundle.HTTPVerb method, String url, String status) {}

    /** One event of a notification: its focus and the resources that explain it. */
    record Event(long number, Instant timestamp, Entry focus, List<Entry> additionalContext) {
        Event {
            additionalContext = List.copyOf(additionalContext);
        }
    }

    /** What the status says about the subscription, besides its events. */
    record Status(String subscriptionId, String topic, String status, long eventsSinceStart, @Nullable String error) {}

    static Parameters status(String serverBase, Status subscription, String type, String content, List<Event> events) {
        String base = trim(serverBase);
        Parameters p = new Parameters();
        p.setId(UUID.randomUUID().toString());
        p.getMeta().addProfile(BackportProfiles.STATUS);
        p.addParameter().setName("subscription").setValue(new Reference(base + "/Subscription/" + subscription.subscriptionId()));
        if (!content.equals(BackportProfiles.EMPTY)) {
            p.addParameter().setName("topic").setValue(new CanonicalType(subscription.topic()));
        }
        p.addParameter().setName("status").setValue(new CodeType(subscription.status()));
        p.addParameter().setName("type").setValue(new CodeType(type));
        p.addParameter().setName("events-since-subscription-start").setValue(new StringType(Long.toString(subscription.eventsSinceStart())));
        for (Event event : events) {
            Parameters.ParametersParameterComponent n = p.addParameter().setName("notification-event");
            n.addPart().setName("event-number").setValue(new StringType(Long.toString(event.number())));
            n.addPart().setName("timestamp").setValue(new InstantType(Date.from(event.timestamp())));
            if (!content.equals(BackportProfiles.EMPTY)) {
                n.addPart().setName("focus").setValue(new Reference(event.focus().fullUrl()));
                for (Entry context : event.additionalContext()) {
                    n.addPart().setName("additional-context").setValue(new Reference(context.fullUrl()));
                }
            }
        }
        if (subscription.error() != null) {
            p.addParameter().setName("error").setValue(new CodeableConcept().setText(subscription.error()));
        }
        return p;
    }

    /**
     * A notification Bundle.
     *
     * @param type handshake, heartbeat, event-notification, or query-event (for $events)
     * @param content empty, id-only or full-resource
     */
    static Bundle notification(String serverBase, Status subscription, String type, String content, List<Event> events, Instant now) {
        String base = trim(serverBase);
        Parameters status = status(serverBase, subscription, type, content, events);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY).setTimestamp(Date.from(now));
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().addProfile(BackportProfiles.NOTIFICATION);
        Bundle.BundleEntryComponent first = bundle.addEntry().setFullUrl("urn:uuid:" + status.getId()).setResource(status);
        first.getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(base + "/Subscription/" + subscription.subscriptionId() + "/$status");
        first.getResponse().setStatus("200");
        if (content.equals(BackportProfiles.EMPTY)) {
            return bundle;
        }
        boolean full = content.equals(BackportProfiles.FULL_RESOURCE);
        for (Event event : events) {
            add(bundle, event.focus(), full);
            event.additionalContext().forEach(context -> add(bundle, context, full));
        }
        return bundle;
    }

    private static void add(Bundle bundle, Entry entry, boolean full) {
        Bundle.BundleEntryComponent e = bundle.addEntry().setFullUrl(entry.fullUrl());
        if (full && entry.resource() != null) {
            e.setResource(entry.resource());
        }
        e.getRequest().setMethod(entry.method()).setUrl(entry.url());
        e.getResponse().setStatus(entry.status());
    }

    static String trim(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
