package org.overturn.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class NotificationFactoryTest {
    private static final String BASE = "https://overturn.example.org/fhir/";
    private static final String PAS = "http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic";
    private static final Instant NOW = Instant.parse("2027-03-01T10:15:30Z");

    private static NotificationFactory.Status active(long events) {
        return new NotificationFactory.Status("sub-1", PAS, "active", events, null);
    }

    private static Parameters statusOf(Bundle bundle) {
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.HISTORY);
        assertThat(bundle.getMeta().hasProfile(BackportProfiles.NOTIFICATION)).isTrue();
        Bundle.BundleEntryComponent first = bundle.getEntryFirstRep();
        assertThat(first.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.GET);
        assertThat(first.getRequest().getUrl()).isEqualTo("https://overturn.example.org/fhir/Subscription/sub-1/$status");
        assertThat(first.getResponse().getStatus()).isEqualTo("200");
        assertThat(first.getFullUrl()).startsWith("urn:uuid:");
        return (Parameters) first.getResource();
    }

    private static String string(Parameters p, String name) {
        return p.getParameter(name).getValue().primitiveValue();
    }

    @Test
    void handshakeWhenRequestedThenOnlyTheStatusEntryWithTypeHandshakeAndNoEvents() {
        Bundle bundle = NotificationFactory.notification(BASE, new NotificationFactory.Status("sub-1", PAS, "requested", 0, null),
                BackportProfiles.HANDSHAKE, BackportProfiles.FULL_RESOURCE, List.of(), NOW);
        Parameters status = statusOf(bundle);
        assertThat(bundle.getEntry()).hasSize(1);
        assertThat(((Reference) status.getParameter("subscription").getValue()).getReference())
                .isEqualTo("https://overturn.example.org/fhir/Subscription/sub-1");
        assertThat(string(status, "topic")).isEqualTo(PAS);
        assertThat(string(status, "status")).isEqualTo("requested");
        assertThat(string(status, "type")).isEqualTo("handshake");
        assertThat(string(status, "events-since-subscription-start")).isEqualTo("0");
        assertThat(status.getParameters("notification-event")).isEmpty();
        assertThat(bundle.getTimestamp().toInstant()).isEqualTo(NOW);
    }

    /** What the conformance kits check: each focus and additional-context reference is the fullUrl of one entry. */
    private static Bundle.BundleEntryComponent resolve(Bundle bundle, org.hl7.fhir.r4.model.Type reference) {
        String url = ((Reference) reference).getReference();
        List<Bundle.BundleEntryComponent> named = bundle.getEntry().stream().filter(e -> url.equals(e.getFullUrl())).toList();
        assertThat(named).as(url).hasSize(1);
        return named.get(0);
    }

    private static NotificationFactory.Entry claimResponseUpdated(org.hl7.fhir.r4.model.Resource carried) {
        return new NotificationFactory.Entry("urn:uuid:9f0c", carried, Bundle.HTTPVerb.PUT, "ClaimResponse/cr-9", "200");
    }

    @Test
    void fullResourceWhenTheFocusIsAPasBundleThenFocusAndContextEachNameTheirEntryByFullUrl() {
        ClaimResponse response = new ClaimResponse();
        response.setId("ClaimResponse/cr-9/_history/3");
        Bundle pas = new Bundle().setType(Bundle.BundleType.COLLECTION);
        pas.setId("9f0c");
        pas.addEntry().setFullUrl(BASE + "ClaimResponse/cr-9").setResource(response);
        Claim claim = new Claim();
        claim.setId("c-1");
        NotificationFactory.Event event = new NotificationFactory.Event(7, NOW.minusSeconds(5), claimResponseUpdated(pas),
                List.of(new NotificationFactory.Entry(BASE + "Claim/c-1", claim, Bundle.HTTPVerb.GET, "Claim/c-1", "200")));

        Bundle bundle = NotificationFactory.notification(BASE, active(7), BackportProfiles.EVENT_NOTIFICATION,
                BackportProfiles.FULL_RESOURCE, List.of(event), NOW);

        Parameters status = statusOf(bundle);
        assertThat(string(status, "type")).isEqualTo("event-notification");
        assertThat(string(status, "events-since-subscription-start")).isEqualTo("7");
        Parameters.ParametersParameterComponent n = status.getParameter("notification-event");
        assertThat(part(n, "event-number").primitiveValue()).isEqualTo("7");
        assertThat(part(n, "timestamp").primitiveValue()).startsWith("2027-03-01T10:15:25");
        assertThat(((Reference) part(n, "focus")).getReference()).isEqualTo("urn:uuid:9f0c");
        assertThat(bundle.getEntry()).hasSize(3);
        Bundle.BundleEntryComponent focus = resolve(bundle, part(n, "focus"));
        assertThat(focus.getResource()).isSameAs(pas);
        assertThat(focus.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        assertThat(focus.getRequest().getUrl()).isEqualTo("ClaimResponse/cr-9");
        assertThat(focus.getResponse().getStatus()).isEqualTo("200");
        Bundle.BundleEntryComponent context = resolve(bundle, part(n, "additional-context"));
        assertThat(context.getFullUrl()).isEqualTo("https://overturn.example.org/fhir/Claim/c-1");
        assertThat(context.getResource()).isSameAs(claim);
        assertThat(context.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.GET);
        assertThat(context.getResponse().getStatus()).isEqualTo("200");
    }

    @Test
    void idOnlyWhenFocusCreatedThenEntriesHaveTheirUrlsAndRequestsButNoResource() {
        Communication reminder = new Communication();
        reminder.setId("r-1");
        NotificationFactory.Event event = new NotificationFactory.Event(1, NOW,
                new NotificationFactory.Entry(BASE + "Communication/r-1", reminder, Bundle.HTTPVerb.POST, "Communication", "201"),
                List.of(new NotificationFactory.Entry(BASE + "Task/t-1", null, Bundle.HTTPVerb.GET, "Task/t-1", "200")));
        Bundle bundle = NotificationFactory.notification(BASE, active(1), BackportProfiles.EVENT_NOTIFICATION,
                BackportProfiles.ID_ONLY, List.of(event), NOW);
        Parameters.ParametersParameterComponent n = statusOf(bundle).getParameter("notification-event");
        Bundle.BundleEntryComponent entry = resolve(bundle, part(n, "focus"));
        assertThat(entry.getFullUrl()).isEqualTo("https://overturn.example.org/fhir/Communication/r-1");
        assertThat(entry.hasResource()).isFalse();
        assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(entry.getRequest().getUrl()).isEqualTo("Communication");
        assertThat(entry.getResponse().getStatus()).isEqualTo("201");
        Bundle.BundleEntryComponent task = resolve(bundle, part(n, "additional-context"));
        assertThat(task.hasResource()).isFalse();
        assertThat(task.getRequest().getUrl()).isEqualTo("Task/t-1");
    }

    @Test
    void fullResourceWhenTheFocusItselfThenItsServerUrlIsTheFullUrl() {
        Communication reminder = new Communication();
        reminder.setId("Communication/r-1/_history/1");
        NotificationFactory.Event event = new NotificationFactory.Event(2, NOW,
                new NotificationFactory.Entry(BASE + "Communication/r-1", reminder, Bundle.HTTPVerb.POST, "Communication", "201"),
                List.of());
        Bundle bundle = NotificationFactory.notification(BASE, active(2), BackportProfiles.EVENT_NOTIFICATION,
                BackportProfiles.FULL_RESOURCE, List.of(event), NOW);
        Parameters.ParametersParameterComponent n = statusOf(bundle).getParameter("notification-event");
        assertThat(resolve(bundle, part(n, "focus")).getResource()).isSameAs(reminder);
        assertThat(bundle.getEntry().get(1).getFullUrl()).isEqualTo("https://overturn.example.org/fhir/Communication/r-1");
    }

    @Test
    void emptyWhenEventsThenNoFocusNoTopicAndNoEntriesBesidesTheStatus() {
        NotificationFactory.Event event = new NotificationFactory.Event(3, NOW, claimResponseUpdated(new Bundle()),
                List.of(new NotificationFactory.Entry(BASE + "Claim/c", null, Bundle.HTTPVerb.GET, "Claim/c", "200")));
        Bundle bundle = NotificationFactory.notification(BASE, active(3), BackportProfiles.EVENT_NOTIFICATION,
                BackportProfiles.EMPTY, List.of(event), NOW);
        Parameters status = statusOf(bundle);
        assertThat(bundle.getEntry()).hasSize(1);
        assertThat(status.getParameter("topic")).isNull();
        Parameters.ParametersParameterComponent n = status.getParameter("notification-event");
        assertThat(n.getPart()).extracting(Parameters.ParametersParameterComponent::getName).containsExactly("event-number", "timestamp");
    }

    @Test
    void notificationWhenEncodedThenItParsesBackAsR4WithTheStatusFirst() {
        NotificationFactory.Event event = new NotificationFactory.Event(4, NOW,
                new NotificationFactory.Entry(BASE + "Communication/r-1", null, Bundle.HTTPVerb.PUT, "Communication/r-1", "200"), List.of());
        Bundle bundle = NotificationFactory.notification(BASE, new NotificationFactory.Status("sub-1", PAS, "error", 4,
                "Delivery failed"), BackportProfiles.QUERY_EVENT, BackportProfiles.ID_ONLY, List.of(event), NOW);
        FhirContext ctx = FhirContext.forR4Cached();
        Bundle parsed = ctx.newJsonParser().parseResource(Bundle.class, ctx.newJsonParser().encodeResourceToString(bundle));
        Parameters status = (Parameters) parsed.getEntryFirstRep().getResource();
        assertThat(status.getParameter("type").getValue().primitiveValue()).isEqualTo("query-event");
        assertThat(status.getParameter("error").getValue()).extracting(v -> ((org.hl7.fhir.r4.model.CodeableConcept) v).getText())
                .isEqualTo("Delivery failed");
        assertThat(parsed.getEntry()).hasSize(2);
    }

    private static org.hl7.fhir.r4.model.Type part(Parameters.ParametersParameterComponent p, String name) {
        return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow().getValue();
    }
}
