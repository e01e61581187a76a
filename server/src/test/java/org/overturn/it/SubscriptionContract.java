package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;
import org.overturn.profiles.PasProfiles;

/**
 * Topic-based Subscriptions (R5 Backport on R4) over HTTP, with WireMock as the subscriber's rest-hook endpoint: a
 * new Subscription gets a handshake carrying its header and becomes active; a pended PAS request's ClaimResponse,
 * updated, is notified to the requesting provider's Subscription as a full-resource history Bundle with numbered
 * events; heartbeats; invalid Subscriptions are refused with nothing stored; an endpoint that keeps failing puts the
 * Subscription in error after the configured attempts; $status and $events. The test server polls every 200 ms and
 * allows loopback endpoints (ServerTest).
 */
public interface SubscriptionContract extends PasHttp {

    /** The subscriber's endpoint, started once for the test JVM on a free loopback port. */
    final class Subscriber {
        public static final WireMockServer SERVER = start();

        private static WireMockServer start() {
            WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
            server.start();
            return server;
        }

        public static String url(String path) {
            return "http://127.0.0.1:" + SERVER.port() + path;
        }
    }

    Duration PATIENCE = Duration.ofSeconds(30);
    String FILTER = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria";
    String CONTENT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content";
    String HEARTBEAT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period";

    /** A PAS Subscription for {@code org} to {@code path} on the subscriber, as the PAS and Backport IGs describe it. */
    default ObjectNode pasSubscription(String path, String org, String token) {
        ObjectNode s = JSON.createObjectNode();
        s.put("resourceType", "Subscription").put("status", "requested").put("reason", "PAS updates for " + org);
        s.put("criteria", PasProfiles.SUBSCRIPTION_TOPIC);
        s.putObject("_criteria").putArray("extension").addObject().put("url", FILTER).put("valueString", "org-identifier=" + org);
        ObjectNode channel = s.putObject("channel");
        channel.put("type", "rest-hook").put("endpoint", Subscriber.url(path)).put("payload", "application/fhir+json");
        channel.putArray("header").add("Authorization: Bearer " + token);
        channel.putObject("_payload").putArray("extension").addObject().put("url", CONTENT).put("valueCode", "full-resource");
        return s;
    }

    private static void accept(String path, int status) {
        Subscriber.SERVER.stubFor(WireMock.post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
    }

    private static List<LoggedRequest> received(String path) {
        return Subscriber.SERVER.findAll(postRequestedFor(urlEqualTo(path)));
    }

    /** The notifications {@code path} received of one type, in the order they arrived. */
    private static List<JsonNode> notifications(String path, String type) {
        return received(path).stream().map(r -> tree(r.getBodyAsString())).filter(b -> type.equals(param(status(b), "type"))).toList();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SubscriptionStatus Parameters of a notification: its first entry. */
    private static JsonNode status(JsonNode notification) {
        return notification.path("entry").path(0).path("resource");
    }

    private static String param(JsonNode parameters, String name) {
        for (JsonNode p : parameters.path("parameter")) {
            if (p.path("name").asText().equals(name)) {
                for (String v : List.of("valueCode", "valueString", "valueCanonical")) {
                    if (p.has(v)) {
                        return p.path(v).asText();
                    }
                }
            }
        }
        return null;
    }

    private static JsonNode part(JsonNode parameters, String name, String part) {
        for (JsonNode p : parameters.path("parameter")) {
            if (p.path("name").asText().equals(name)) {
                for (JsonNode q : p.path("part")) {
                    if (q.path("name").asText().equals(part)) {
                        return q;
                    }
                }
            }
        }
        return JSON.missingNode();
    }

    /** Every {@code name} part of the first {@code parameter} of that name. */
    private static JsonNode parts(JsonNode parameters, String parameter, String name) {
        ArrayNode found = JSON.createArrayNode();
        for (JsonNode p : parameters.path("parameter")) {
            if (p.path("name").asText().equals(parameter)) {
                for (JsonNode q : p.path("part")) {
                    if (q.path("name").asText().equals(name)) {
                        found.add(q);
                    }
                }
                break;
            }
        }
        return found;
    }

    /** The one entry of {@code bundle} whose fullUrl is {@code reference}: how a subscriber resolves the status's references. */
    private static JsonNode entryNamed(JsonNode bundle, String reference) {
        List<JsonNode> named = new ArrayList<>();
        bundle.path("entry").forEach(e -> {
            if (e.path("fullUrl").asText().equals(reference)) {
                named.add(e);
            }
        });
        assertThat(named).as("entries with fullUrl " + reference).hasSize(1);
        return named.get(0);
    }

    /**
     * No errors from this server's R4 validator (Bundle invariants, fullUrl and id agreement, the content) but that
     * it does not hold the Backport IG's profiles the notification declares.
     */
    private void assertValidR4(JsonNode notification) {
        Response validated = post("Bundle/$validate", notification.toString());
        assertThat(validated.status()).as(validated.body()).isEqualTo(200);
        List<String> errors = new ArrayList<>();
        for (JsonNode issue : validated.json().path("issue")) {
            if (issue.path("severity").asText().matches("error|fatal")
                    && !issue.path("diagnostics").asText().contains("hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/")) {
                errors.add(issue.path("expression").path(0).asText() + ": " + issue.path("diagnostics").asText());
            }
        }
        assertThat(errors).isEmpty();
    }

    private void awaitStatus(String id, String status) {
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(get("Subscription/" + id).json().path("status").asText()).isEqualTo(status));
    }

    /** Creates {@code subscription}, waits until its handshake made it active, and returns its id. */
    private String active(ObjectNode subscription) {
        String id = create("Subscription", subscription.toString());
        awaitStatus(id, "active");
        return id;
    }

    /** A pended PAS request (the ALK test report is missing) whose requesting practitioner has the NPI {@code npi}. */
    private Response pendedRequest(String npi) {
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, "biomarker-missing");
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        Practitioner provider = (Practitioner) PasBundles.find(request, claim.getProvider().getReference());
        provider.getIdentifier().clear();
        provider.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(npi);
        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A4");
        return r;
    }

    /** Reads the ClaimResponse, lets {@code change} edit it, and PUTs it back. */
    private void updateClaimResponse(String id, Consumer<ObjectNode> change) {
        ObjectNode response = (ObjectNode) get("ClaimResponse/" + id).json();
        change.accept(response);
        Response put = put("ClaimResponse/" + id, response.toString());
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    /** Sets the review action of the first item to {@code code} (A1 approved, A4 still pended). */
    private static void reviewActionTo(ObjectNode response, String code) {
        for (JsonNode ext : response.path("item").path(0).path("adjudication").path(0).path("extension")) {
            for (JsonNode sub : ext.path("extension")) {
                if (sub.path("url").asText().equals(PasProfiles.REVIEW_ACTION_CODE)) {
                    ((ObjectNode) sub.path("valueCodeableConcept").path("coding").path(0)).put("code", code);
                }
            }
        }
    }

    @Test
    default void createWhenValidThenHandshakeWithTheHeaderAsGivenThenActiveAsANewVersionByTheServer() {
        String path = "/hook/" + unique();
        accept(path, 200);
        String id = create("Subscription", pasSubscription(path, "NPI-" + unique(), "tok-" + path).toString());
        // The version as created (read by version: a worker on any instance may have activated it already).
        assertThat(get("Subscription/" + id + "/_history/1").json().path("status").asText()).isEqualTo("requested");

        awaitStatus(id, "active");
        List<LoggedRequest> handshakes = received(path);
        assertThat(handshakes).hasSize(1);
        assertThat(handshakes.get(0).getHeader("Authorization")).isEqualTo("Bearer tok-" + path);
        assertThat(handshakes.get(0).getHeader("Content-Type")).startsWith("application/fhir+json");
        JsonNode handshake = tree(handshakes.get(0).getBodyAsString());
        assertThat(handshake.path("type").asText()).isEqualTo("history");
        JsonNode status = status(handshake);
        assertThat(status.path("resourceType").asText()).isEqualTo("Parameters");
        assertThat(param(status, "type")).isEqualTo("handshake");
        assertThat(param(status, "status")).isEqualTo("requested");
        assertThat(param(status, "topic")).isEqualTo(PasProfiles.SUBSCRIPTION_TOPIC);
        assertThat(param(status, "events-since-subscription-start")).isEqualTo("0");

        // The server's change is a version of its own, attributed by a Provenance.
        assertThat(get("Subscription/" + id + "/_history").json().path("total").asInt()).isEqualTo(2);
        JsonNode provenance = get("Provenance?target=Subscription/" + id).json();
        assertThat(provenance.path("total").asInt()).isEqualTo(1);
        JsonNode by = provenance.path("entry").get(0).path("resource");
        assertThat(by.path("target").get(0).path("reference").asText()).startsWith("Subscription/" + id);
        assertThat(by.path("agent").get(0).path("who").path("display").asText()).contains("Overturn server");
        assertThat(by.path("reason").get(0).path("text").asText()).isEqualTo("Subscription.status active: the endpoint accepted the handshake");
    }

    @Test
    default void pendedRequestWhenItsClaimResponseChangesThenNumberedFullResourceNotificationsToItsProviderOnly() {
        String npi = "9" + unique();
        String path = "/hook/" + unique();
        accept(path, 200);
        String id = active(pasSubscription(path, npi, "tok-" + path));
        String otherPath = "/hook/" + unique();
        accept(otherPath, 200);
        String other = active(pasSubscription(otherPath, "9" + unique(), "other"));

        Response submitted = pendedRequest(npi);
        String claimResponse = submitted.json().path("entry").get(0).path("resource").path("id").asText();
        // Adjusted, still pended (A4); then decided (A1).
        updateClaimResponse(claimResponse, r -> r.putArray("processNote").addObject().put("number", 9).put("text", "Reviewer assigned"));
        updateClaimResponse(claimResponse, r -> {
            reviewActionTo(r, "A1");
            r.put("disposition", "Approved after review");
        });
        // Decided: a later change is no longer about a pended request.
        updateClaimResponse(claimResponse, r -> r.put("disposition", "Approved after review (typo fixed)"));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(notifications(path, "event-notification")).hasSize(2));
        List<JsonNode> events = notifications(path, "event-notification");
        assertThat(events).extracting(n -> part(status(n), "notification-event", "event-number").path("valueString").asText())
                .containsExactly("1", "2");
        received(path).forEach(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer tok-" + path));
        JsonNode last = events.get(1);
        assertThat(last.path("type").asText()).isEqualTo("history");
        assertThat(param(status(last), "events-since-subscription-start")).isEqualTo("2");
        String claim = get("ClaimResponse/" + claimResponse).json().path("request").path("reference").asText();
        assertThat(claim).startsWith("Claim/");
        for (JsonNode event : events) {
            assertThat(event.path("type").asText()).isEqualTo("history");
            // A history Bundle: every entry has its request and response; the status's is the $status call.
            for (JsonNode entry : event.path("entry")) {
                assertThat(entry.path("request").path("method").asText()).as(entry.path("fullUrl").asText()).isNotEmpty();
                assertThat(entry.path("request").path("url").asText()).as(entry.path("fullUrl").asText()).isNotEmpty();
                assertThat(entry.path("response").path("status").asText()).as(entry.path("fullUrl").asText()).isNotEmpty();
            }
            assertThat(event.path("entry").get(0).path("request").path("url").asText()).endsWith("Subscription/" + id + "/$status");
            // PAS: the focus is the PAS response Bundle (a collection, the ClaimResponse first), an entry named by the
            // focus reference; built for the notification, it is a urn:uuid whose uuid is its id.
            String focus = part(status(event), "notification-event", "focus").path("valueReference").path("reference").asText();
            assertThat(focus).startsWith("urn:uuid:");
            JsonNode focusEntry = entryNamed(event, focus);
            JsonNode pas = focusEntry.path("resource");
            assertThat(pas.path("resourceType").asText()).isEqualTo("Bundle");
            assertThat(pas.path("type").asText()).isEqualTo("collection");
            assertThat("urn:uuid:" + pas.path("id").asText()).isEqualTo(focus);
            assertThat(pas.path("entry").get(0).path("fullUrl").asText()).isEqualTo(base() + "/ClaimResponse/" + claimResponse);
            assertThat(pas.path("entry").get(0).path("resource").path("resourceType").asText()).isEqualTo("ClaimResponse");
            assertThat(pas.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(claimResponse);
            assertThat(focusEntry.path("request").path("method").asText()).isEqualTo("PUT");
            assertThat(focusEntry.path("request").path("url").asText()).isEqualTo("ClaimResponse/" + claimResponse);
            assertThat(focusEntry.path("response").path("status").asText()).isEqualTo("200");
            // The additional context, the request's Claim, is an entry of its own.
            JsonNode contexts = parts(status(event), "notification-event", "additional-context");
            assertThat(contexts).hasSize(1);
            String context = contexts.get(0).path("valueReference").path("reference").asText();
            assertThat(context).isEqualTo(base() + "/" + claim);
            JsonNode contextEntry = entryNamed(event, context);
            assertThat(contextEntry.path("resource").path("resourceType").asText() + "/" + contextEntry.path("resource").path("id").asText())
                    .isEqualTo(claim);
            assertThat(contextEntry.path("request").path("method").asText()).isEqualTo("GET");
            // The Claim's version as of the event.
            String claimVersion = contextEntry.path("resource").path("meta").path("versionId").asText();
            assertThat(claimVersion).isNotBlank();
            assertThat(contextEntry.path("request").path("url").asText()).isEqualTo(claim + "/_history/" + claimVersion);
            assertThat(event.path("entry").size()).isEqualTo(3);
            assertValidR4(event);
        }
        JsonNode pas = entryNamed(last, part(status(last), "notification-event", "focus").path("valueReference").path("reference").asText())
                .path("resource");
        assertThat(pas.path("entry").get(0).path("resource").path("disposition").asText()).isEqualTo("Approved after review");
        assertThat(reviewAction(adjudication(pas))).isEqualTo("A1");
        JsonNode first = events.get(0);
        assertThat(reviewAction(adjudication(entryNamed(first,
                part(status(first), "notification-event", "focus").path("valueReference").path("reference").asText()).path("resource"))))
                .isEqualTo("A4");

        // Counted in the transaction of each change: the other provider's Subscription has none, this one two.
        JsonNode status = get("Subscription/" + id + "/$status").json();
        assertThat(status.path("type").asText()).isEqualTo("searchset");
        JsonNode parameters = status.path("entry").get(0).path("resource");
        assertThat(param(parameters, "type")).isEqualTo("query-status");
        assertThat(param(parameters, "status")).isEqualTo("active");
        assertThat(param(parameters, "events-since-subscription-start")).isEqualTo("2");
        assertThat(param(get("Subscription/" + other + "/$status").json().path("entry").get(0).path("resource"),
                "events-since-subscription-start")).isEqualTo("0");

        // $events answers what was queued, from the number asked.
        JsonNode replay = get("Subscription/" + id + "/$events?eventsSinceNumber=2&content=id-only").json();
        assertThat(param(status(replay), "type")).isEqualTo("query-event");
        assertThat(replay.path("entry").size()).isEqualTo(3);
        assertThat(part(status(replay), "notification-event", "event-number").path("valueString").asText()).isEqualTo("2");
        // id-only: the focus is the ClaimResponse on this server; its entry and the Claim's carry no resource. An answer
        // of this server writes references to its own resources relative to its base, as clients resolve them.
        String idOnlyFocus = base() + "/" + part(status(replay), "notification-event", "focus").path("valueReference").path("reference").asText();
        assertThat(idOnlyFocus).isEqualTo(base() + "/ClaimResponse/" + claimResponse);
        assertThat(entryNamed(replay, idOnlyFocus).has("resource")).isFalse();
        String idOnlyContext = base() + "/" + part(status(replay), "notification-event", "additional-context").path("valueReference").path("reference").asText();
        assertThat(idOnlyContext).isEqualTo(base() + "/" + claim);
        assertThat(entryNamed(replay, idOnlyContext).has("resource")).isFalse();
    }

    @Test
    default void activeWhenHeartbeatPeriodSetThenHeartbeatsArrive() {
        String path = "/hook/" + unique();
        accept(path, 200);
        ObjectNode subscription = pasSubscription(path, "NPI-" + unique(), "hb");
        ((ObjectNode) subscription.path("channel")).putArray("extension").addObject().put("url", HEARTBEAT).put("valueUnsignedInt", 1);
        String id = active(subscription);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(notifications(path, "heartbeat")).isNotEmpty());
        JsonNode heartbeat = notifications(path, "heartbeat").get(0);
        assertThat(param(status(heartbeat), "status")).isEqualTo("active");
        assertThat(param(status(heartbeat), "events-since-subscription-start")).isEqualTo("0");
        assertThat(heartbeat.path("entry").size()).isEqualTo(1);
        assertThat(get("Subscription/" + id).json().path("status").asText()).isEqualTo("active");
    }

    @Test
    default void createWhenNotAServableSubscriptionThen422SayingWhatToFixAndNothingStored() {
        String path = "/hook/" + unique();
        ObjectNode websocket = pasSubscription(path, "N1", "t");
        ((ObjectNode) websocket.path("channel")).put("type", "websocket");
        ObjectNode unknownTopic = pasSubscription(path, "N1", "t").put("criteria", "http://example.org/SubscriptionTopic/nope");
        ObjectNode plainHttp = pasSubscription(path, "N1", "t");
        ((ObjectNode) plainHttp.path("channel")).put("endpoint", "http://subscriber.example.org" + path);
        ObjectNode badFilter = pasSubscription(path, "N1", "t");
        ((ObjectNode) badFilter.path("_criteria").path("extension").get(0)).put("valueString", "patient=Patient/1");
        ObjectNode noContent = pasSubscription(path, "N1", "t");
        ((ObjectNode) noContent.path("channel")).remove("_payload");
        ObjectNode active = pasSubscription(path, "N1", "t").put("status", "active");

        assertThat(rejected(websocket)).contains("only rest-hook is supported");
        assertThat(rejected(unknownTopic)).contains("supported topic").contains(PasProfiles.SUBSCRIPTION_TOPIC);
        assertThat(rejected(plainHttp)).contains("plain http");
        assertThat(rejected(badFilter)).contains("'patient' is not a filter").contains("needs a filter org-identifier");
        assertThat(rejected(noContent)).contains("backport-payload-content");
        assertThat(rejected(active)).contains("set by the server");
        assertThat(get("Subscription?url=" + Subscriber.url(path)).json().path("total").asInt()).isZero();
        assertThat(get("Subscription?url=http://subscriber.example.org" + path).json().path("total").asInt()).isZero();
        assertThat(received(path)).isEmpty();
    }

    private String rejected(ObjectNode subscription) {
        Response r = post("Subscription", subscription.toString());
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        return r.json().path("issue").get(0).path("diagnostics").asText();
    }

    @Test
    default void updateWhenClientSetsActiveOrMovesAnActiveEndpointThen422() {
        String path = "/hook/" + unique();
        accept(path, 200);
        ObjectNode subscription = pasSubscription(path, "N-" + unique(), "t");
        String id = active(subscription);
        ObjectNode moved = (ObjectNode) get("Subscription/" + id).json();
        ((ObjectNode) moved.path("channel")).put("endpoint", Subscriber.url(path + "-moved"));
        Response r = put("Subscription/" + id, moved.toString());
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(r.body()).contains("needs status 'requested'");

        // Asked again with the new endpoint: a new handshake there, then active again.
        accept(path + "-moved", 200);
        moved.put("status", "requested");
        assertThat(put("Subscription/" + id, moved.toString()).status()).isEqualTo(200);
        awaitStatus(id, "active");
        assertThat(received(path + "-moved")).hasSize(1);
    }

    @Test
    default void endpointWhenItKeepsFailingThenRetriedThenErrorAndStatusSaysWhy() {
        String path = "/hook/" + unique();
        accept(path, 503);
        String id = create("Subscription", pasSubscription(path, "N-" + unique(), "t").toString());

        awaitStatus(id, "error");
        assertThat(received(path)).as("the handshake is tried max-attempts (3) times").hasSize(3);
        JsonNode subscription = get("Subscription/" + id).json();
        assertThat(subscription.path("error").asText()).contains("HTTP 503").contains("3 attempts");
        JsonNode status = get("Subscription/" + id + "/$status").json().path("entry").get(0).path("resource");
        assertThat(param(status, "status")).isEqualTo("error");
        assertThat(status.toString()).contains("HTTP 503");
        JsonNode inError = get("Subscription/$status?status=error&id=" + id).json();
        assertThat(inError.path("total").asInt()).isEqualTo(1);
        assertThat(inError.path("entry").get(0).path("resource").toString()).contains("Subscription/" + id);
        assertThat(get("Subscription/$status?status=active&id=" + id).json().path("total").asInt()).isZero();
        ArrayNode provenances = (ArrayNode) get("Provenance?target=Subscription/" + id).json().path("entry");
        assertThat(provenances).hasSize(1);
        assertThat(provenances.get(0).path("resource").path("reason").get(0).path("text").asText()).contains("error");
    }

    @Test
    default void endpointWhenItAnswersButNeverEndsItsBodyThenEachDeliveryFailsAtTheTimeoutIsRetriedThenError() {
        String path = "/hook/" + unique();
        // A 200 at once, then a body that trickles on for a minute: each delivery ends at delivery-timeout (5 s,
        // ServerTest) as a failure, and the worker's backoff tries again; a delivery thread never waits for the minute.
        Subscriber.SERVER.stubFor(WireMock.post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withBody("ok".repeat(1000)).withChunkedDribbleDelay(60, 60_000)));
        String id = create("Subscription", pasSubscription(path, "N-" + unique(), "t").toString());

        awaitStatus(id, "error");
        assertThat(received(path)).as("the handshake is tried max-attempts (3) times").hasSize(3);
        assertThat(get("Subscription/" + id).json().path("error").asText()).contains("no answer within 5 s").contains("3 attempts");
    }

    @Test
    default void statusWhenSubscriptionUnknownThen404() {
        assertThat(get("Subscription/" + unique() + "/$status").assertOutcome(404)).isEqualTo("OVT-404");
    }

    @Test
    default void metadataWhenReadThenSubscriptionHasTheBackportProfileStatusOperationAndTopics() {
        JsonNode metadata = get("metadata").json();
        JsonNode subscription = null;
        for (JsonNode r : metadata.path("rest").get(0).path("resource")) {
            if (r.path("type").asText().equals("Subscription")) {
                subscription = r;
            }
        }
        assertThat(subscription).isNotNull();
        assertThat(subscription.path("supportedProfile").toString())
                .contains("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription");
        assertThat(subscription.path("operation").toString()).contains("\"name\":\"status\"")
                .contains("http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status");
        assertThat(subscription.path("extension").toString()).contains(PasProfiles.SUBSCRIPTION_TOPIC)
                .contains("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical");
    }
}
