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
 * the SubscriptionStatus (a Parameters), followed, for id-only and full-resource content, by one entry per event
 * focus. Pure: everything it needs is passed in.
 */
final class NotificationFactory {
    private NotificationFactory() {}

    /**
     * One event of a notification.
     *
     * @param focus the focus as {@code Type/id}
     * @param created whether the focus version is the resource's first (the entry says POST rather than PUT)
     * @param resource what a full-resource notification carries for the focus; null for the other contents
     */
    record Event(long number, Instant timestamp, String focus, boolean created, List<String> additionalContext,
            @Nullable Resource resource) {
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
                n.addPart().setName("focus").setValue(new Reference(base + "/" + event.focus()));
                for (String context : event.additionalContext()) {
                    n.addPart().setName("additional-context").setValue(new Reference(base + "/" + context));
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
        for (Event event : events) {
            Bundle.BundleEntryComponent entry = bundle.addEntry();
            boolean isFocus = event.resource() == null
                    || (event.resource().fhirType() + "/" + event.resource().getIdElement().getIdPart()).equals(event.focus());
            // A focus carried inside something else (PAS: the response Bundle) is not itself at a URL of this server.
            entry.setFullUrl(isFocus ? base + "/" + event.focus() : "urn:uuid:" + UUID.randomUUID());
            if (content.equals(BackportProfiles.FULL_RESOURCE) && event.resource() != null) {
                entry.setResource(event.resource());
            }
            String focusType = event.focus().substring(0, event.focus().indexOf('/'));
            entry.getRequest().setMethod(event.created() ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT)
                    .setUrl(event.created() ? focusType : event.focus());
            entry.getResponse().setStatus(event.created() ? "201" : "200");
        }
        return bundle;
    }

    private static String trim(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
