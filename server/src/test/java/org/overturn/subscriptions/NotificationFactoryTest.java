package org.overturn.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
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

    @Test
    void fullResourceWhenFocusInsideAPasBundleThenFocusNamesTheClaimResponseAndTheEntryCarriesTheBundle() {
        ClaimResponse response = new ClaimResponse();
        response.setId("ClaimResponse/cr-9/_history/3");
        Bundle pas = new Bundle().setType(Bundle.BundleType.COLLECTION);
        pas.addEntry().setFullUrl(BASE + "ClaimResponse/cr-9").setResource(response);
        NotificationFactory.Event event = new NotificationFactory.Event(7, NOW.minusSeconds(5), "ClaimResponse/cr-9", false,
                List.of("Claim/c-1"), pas);

        Bundle bundle = NotificationFactory.notification(BASE, active(7), BackportProfiles.EVENT_NOTIFICATION,
                BackportProfiles.FULL_RESOURCE, List.of(event), NOW);

        Parameters status = statusOf(bundle);
        assertThat(string(status, "type")).isEqualTo("event-notification");
        assertThat(string(status, "events-since-subscription-start")).isEqualTo("7");
        Parameters.ParametersParameterComponent n = status.getParameter("notification-event");
        assertThat(part(n, "event-number").primitiveValue()).isEqualTo("7");
        assertThat(part(n, "timestamp").primitiveValue()).startsWith("2027-03-01T10:15:25");
        assertThat(((Reference) part(n, "focus")).getReference()).isEqualTo("https://overturn.example.org/fhir/ClaimResponse/cr-9");
        assertThat(((Reference) part(n, "additional-context")).getReference()).isEqualTo("https://overturn.example.org/fhir/Claim/c-1");
        assertThat(bundle.getEntry()).hasSize(2);
        Bundle.BundleEntryComponent focus = bundle.getEntry().get(1);
        assertThat(focus.getResource()).isSameAs(pas);
        assertThat(focus.getFullUrl()).startsWith("urn:uuid:");
        assertThat(focus.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        assertThat(focus.getRequest().getUrl()).isEqualTo("ClaimResponse/cr-9");
        assertThat(focus.getResponse().getStatus()).isEqualTo("200");
        // What a subscriber reads: the focus URL is the fullUrl of the ClaimResponse inside the PAS Bundle.
        assertThat(((Bundle) focus.getResource()).getEntryFirstRep().getFullUrl())
                .isEqualTo(((Reference) part(n, "focus")).getReference());
    }

    @Test
    void idOnlyWhenFocusCreatedThenEntryHasItsUrlAndPostButNoResource() {
        NotificationFactory.Event event = new NotificationFactory.Event(1, NOW, "Communication/r-1", true, List.of(), null);
        Bundle bundle = NotificationFactory.notification(BASE, active(1), BackportProfiles.EVENT_NOTIFICATION,
                BackportProfiles.ID_ONLY, List.of(event), NOW);
        Bundle.BundleEntryComponent entry = bundle.getEntry().get(1);
        assertThat(entry.getFullUrl()).isEqualTo("https://overturn.example.org/fhir/Communication/r-1");
        assertThat(entry.hasResource()).isFalse();
        assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(entry.getRequest().getUrl()).isEqualTo("Communication");
        assertThat(entry.getResponse().getStatus()).isEqualTo("201");
    }

    @Test
    void fullResourceWhenTheFocusItselfThenItsServerUrlIsTheFullUrl() {
        Communication reminder = new Communication();
        reminder.setId("Communication/r-1/_history/1");
        NotificationFactory.Event event = new NotificationFactory.Event(2, NOW, "Communication/r-1", true, List.of(), reminder);
        Bundle bundle = NotificationFactory.notification(BASE, active(2), BackportProfiles.EVENT_NOTIFICATION,
                BackportProfiles.FULL_RESOURCE, List.of(event), NOW);
        assertThat(bundle.getEntry().get(1).getFullUrl()).isEqualTo("https://overturn.example.org/fhir/Communication/r-1");
        assertThat(bundle.getEntry().get(1).getResource()).isSameAs(reminder);
    }

    @Test
    void emptyWhenEventsThenNoFocusNoTopicAndNoEntriesBesidesTheStatus() {
        NotificationFactory.Event event = new NotificationFactory.Event(3, NOW, "ClaimResponse/cr-9", false, List.of("Claim/c"), null);
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
        NotificationFactory.Event event = new NotificationFactory.Event(4, NOW, "Communication/r-1", false, List.of(), null);
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
