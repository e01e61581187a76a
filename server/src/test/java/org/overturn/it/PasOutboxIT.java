package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.overturn.pas.PasOutboxWorker;
import org.overturn.profiles.PasProfiles;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A payer reached over HTTP (WireMock) through the transactional outbox: the client gets a queued answer at once,
 * the worker forwards each accepted request once, retries timeouts, 5xx and garbage with backoff, gives up after
 * the configured attempts, and surfaces a 4xx as the payer's OperationOutcome on the Task; a decision reaches the
 * requesting provider's PAS Subscription. The outbox poller is off; the test drives the worker with explicit instants,
 * so nothing waits on the clock (only the subscription notification is awaited, as its subscriber would).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PasOutboxIT extends ServerTest implements PasHttp {
    private static final String PAYER_ID = "http://overturn.example.org/payer-id|remote-test-payer";
    private static final String OAUTH_PAYER_ID = "http://overturn.example.org/payer-id|oauth-test-payer";
    private static final String TOKEN_DOWN_PAYER_ID = "http://overturn.example.org/payer-id|token-down-test-payer";
    private static final String DOWN_PAYER_ID = "http://overturn.example.org/payer-id|down-test-payer";
    private static final String INQUIRE = "/Claim/$inquire";
    private static final String SUBMIT = "/Claim/$submit";
    private static final WireMockServer PAYER = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        PAYER.start();
    }

    @DynamicPropertySource
    static void routedPayer(DynamicPropertyRegistry registry) throws IOException {
        registry.add("overturn.data-dir", Files.createTempDirectory("overturn-outbox-it-")::toString);
        registry.add("overturn.pas.payers[0].identifier", () -> PAYER_ID);
        registry.add("overturn.pas.payers[0].endpoint", () -> "http://localhost:" + PAYER.port());
        registry.add("overturn.pas.payers[0].bearer-token", () -> "test-token");
        // Long enough for a loaded CI machine; the timeout test delays its answer well past it.
        registry.add("overturn.pas.payers[0].timeout", () -> "2s");
        registry.add("overturn.pas.outbox.enabled", () -> "false");
        registry.add("overturn.pas.outbox.max-attempts", () -> "3");
        registry.add("overturn.pas.outbox.batch-size", () -> "2");
        registry.add("overturn.pas.outbox.initial-backoff", () -> "1s");
        registry.add("overturn.pas.outbox.inquire-interval", () -> "10m");
        registry.add("overturn.pas.outbox.inquire-max-age", () -> "1h");
        registry.add("overturn.pas.outbox.breaker.failure-threshold", () -> "3");
        registry.add("overturn.pas.outbox.breaker.open-duration", () -> "5m");
        // OAuth client credentials, with a token endpoint that works and one that is down.
        registry.add("overturn.pas.payers[1].identifier", () -> OAUTH_PAYER_ID);
        registry.add("overturn.pas.payers[1].endpoint", () -> "http://localhost:" + PAYER.port() + "/oauth-payer");
        registry.add("overturn.pas.payers[1].timeout", () -> "2s");
        registry.add("overturn.pas.payers[1].oauth.token-url", () -> "http://localhost:" + PAYER.port() + "/oauth/token");
        registry.add("overturn.pas.payers[1].oauth.client-id", () -> "overturn-test");
        registry.add("overturn.pas.payers[1].oauth.client-secret", () -> "test-secret");
        registry.add("overturn.pas.payers[1].oauth.scope", () -> "system/Claim.write");
        registry.add("overturn.pas.payers[2].identifier", () -> TOKEN_DOWN_PAYER_ID);
        registry.add("overturn.pas.payers[2].endpoint", () -> "http://localhost:" + PAYER.port() + "/token-down-payer");
        registry.add("overturn.pas.payers[2].timeout", () -> "2s");
        registry.add("overturn.pas.payers[2].oauth.token-url", () -> "http://localhost:" + PAYER.port() + "/oauth-down/token");
        registry.add("overturn.pas.payers[2].oauth.client-id", () -> "overturn-test");
        registry.add("overturn.pas.payers[2].oauth.client-secret", () -> "test-secret");
        // A payer that is down for minutes (its own circuit breaker).
        registry.add("overturn.pas.payers[3].identifier", () -> DOWN_PAYER_ID);
        registry.add("overturn.pas.payers[3].endpoint", () -> "http://localhost:" + PAYER.port() + "/down-payer");
        registry.add("overturn.pas.payers[3].timeout", () -> "2s");
    }

    @AfterAll
    static void stopPayer() {
        PAYER.stop();
    }

    @Autowired
    PasOutboxWorker worker;

    private JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource());
    }

    @BeforeEach
    void onlyThisTestsRowsAreDue() {
        // Rows another test left pending would otherwise be delivered by this test's worker calls.
        jdbc().update("update pas_outbox set status = 'failed', last_error = 'closed by the next test'"
                + " where status in ('pending', 'awaiting')");
    }

    /** A request for the alectinib chart whose insurer is the routed payer; its identifier is {@code requestId}. */
    private Bundle routedRequest(String requestId) {
        return routedRequest(requestId, PAYER_ID);
    }

    private Bundle routedRequest(String requestId, String payerId) {
        return PasBundles.routedRequest(requestId, payerId);
    }

    /** The payer's PAS response: one item with the review action {@code code}. */
    private static ResponseDefinitionBuilder answer(String code, String preAuthRef) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json")
                .withBody(PasBundles.payerAnswer(code, preAuthRef));
    }

    /**
     * The payer's answer to an inquiry for {@code requestId}: Parameters with the response Bundle, whose ClaimResponse
     * names the request by its identifier.
     */
    private static ResponseDefinitionBuilder inquiryAnswer(String requestId, String code) {
        ClaimResponse response = PasBundles.payerResponse(code, "PAYER-" + requestId);
        response.setRequest(new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier()
                .setSystem(PasBundles.REQUEST_SYSTEM).setValue(requestId)));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl("http://payer.example.org/fhir/ClaimResponse/1").setResource(response);
        org.hl7.fhir.r4.model.Parameters parameters = new org.hl7.fhir.r4.model.Parameters();
        parameters.addParameter().setName("return").setResource(bundle);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json")
                .withBody(CTX.newJsonParser().encodeResourceToString(parameters));
    }

    private static MappingBuilder submitOf(String requestId) {
        return submitOf("", requestId);
    }

    private static MappingBuilder submitOf(String prefix, String requestId) {
        return WireMock.post(urlEqualTo(prefix + SUBMIT)).withRequestBody(containing(requestId));
    }

    private static MappingBuilder inquiryOf(String requestId) {
        return WireMock.post(urlEqualTo(INQUIRE)).withRequestBody(containing(requestId));
    }

    private Map<String, Object> row(String requestId) {
        return jdbc().queryForMap("select status, attempts, next_attempt_at, last_error, sent_at from pas_outbox where request_key = ?",
                PasBundles.REQUEST_SYSTEM + "|" + requestId);
    }

    private int payerCalls(String requestId) {
        return payerCalls("", requestId);
    }

    private int payerCalls(String prefix, String requestId) {
        return PAYER.findAll(postRequestedFor(urlEqualTo(prefix + SUBMIT)).withRequestBody(containing(requestId))).size();
    }

    private int inquiries(String requestId) {
        return PAYER.findAll(postRequestedFor(urlEqualTo(INQUIRE)).withRequestBody(containing(requestId))).size();
    }

    private String businessStatus(Response submitted) {
        return task(submitted.json()).path("businessStatus").path("coding").get(0).path("code").asText();
    }

    private JsonNode claimResponse(Response submitted) {
        return get("ClaimResponse/" + submitted.json().path("entry").get(0).path("resource").path("id").asText()).json();
    }

    @Test
    void submitWhenPayerRoutedThenQueuedAtOnceAndDeliveredOnceEvenWhenResubmitted() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(answer("A1", "PAYER-" + id)));
        Bundle request = routedRequest(id);

        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode queued = r.json().path("entry").get(0).path("resource");
        assertThat(queued.path("outcome").asText()).as("PAS allows complete, error or partial; pended items say the rest")
                .isEqualTo("complete");
        assertThat(reviewAction(adjudication(r.json()))).isEqualTo("A4");
        assertThat(task(r.json()).path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo(PasProfiles.SUBMITTED);
        assertThat(payerCalls(id)).as("nothing is sent before the worker runs").isZero();

        Response again = submit(request);
        assertThat(again.json().path("entry").get(0).path("resource").path("id").asText()).isEqualTo(queued.path("id").asText());

        Instant now = Instant.now();
        worker.deliverDue(now);
        worker.deliverDue(now.plus(1, ChronoUnit.DAYS));
        assertThat(payerCalls(id)).isEqualTo(1);
        LoggedRequest sent = PAYER.findAll(postRequestedFor(urlEqualTo(SUBMIT)).withRequestBody(containing(id))).get(0);
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer test-token");
        Bundle forwarded = CTX.newJsonParser().parseResource(Bundle.class, sent.getBodyAsString());
        assertThat(forwarded.getEntryFirstRep().getResource()).isInstanceOf(Claim.class);
        assertThat(forwarded.getEntry()).extracting(e -> e.getResource().fhirType()).contains("Patient", "Coverage", "Observation");

        JsonNode decided = claimResponse(r);
        assertThat(decided.path("meta").path("versionId").asText()).isEqualTo("2");
        assertThat(decided.path("outcome").asText()).isEqualTo("complete");
        assertThat(decided.path("preAuthRef").asText()).isEqualTo("PAYER-" + id);
        assertThat(decided.path("request").path("reference").asText()).isEqualTo(queued.path("request").path("reference").asText());
        JsonNode task = task(r.json());
        assertThat(task.path("status").asText()).isEqualTo("completed");
        assertThat(task.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo(PasProfiles.APPROVED);
        assertThat(row(id).get("status")).isEqualTo("delivered");

        Response found = post("Claim/$inquire", PasBundles.json(PasBundles.inquiry(request, id)));
        assertThat(reviewAction(adjudication(found.json().path("parameter").get(0).path("resource")))).isEqualTo("A1");
    }

    @Test
    void deliverWhenTheRoutedPayerDecidesThenTheProvidersSubscriptionGetsTheDecisionInAPasResponseBundle() throws IOException {
        String npi = "9" + unique();
        String hook = "/pas-hook/" + unique();
        SubscriptionContract.Subscriber.SERVER.stubFor(WireMock.post(urlEqualTo(hook)).willReturn(aResponse().withStatus(200)));
        String subscription = create("Subscription", """
                {"resourceType": "Subscription", "status": "requested", "reason": "PAS decisions",
                 "criteria": "http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic",
                 "_criteria": {"extension": [{"url": "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria",
                                              "valueString": "org-identifier=%s"}]},
                 "channel": {"type": "rest-hook", "endpoint": "%s", "payload": "application/fhir+json",
                             "header": ["Authorization: Bearer pas-subscriber"],
                             "_payload": {"extension": [{"url": "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content",
                                                         "valueCode": "full-resource"}]}}}
                """.formatted(npi, SubscriptionContract.Subscriber.url(hook)));
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(answer("A1", "PAYER-" + id)));
        Bundle request = routedRequest(id);
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        Practitioner provider = (Practitioner) PasBundles.find(request, claim.getProvider().getReference());
        provider.getIdentifier().clear();
        provider.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(npi);
        Response r = submit(request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        worker.deliverDue(Instant.now());

        // The payer's answer became the next ClaimResponse version; its event went out after the handshake.
        String claimResponse = r.json().path("entry").get(0).path("resource").path("id").asText();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                SubscriptionContract.Subscriber.SERVER.findAll(postRequestedFor(urlEqualTo(hook)))).hasSize(2));
        LoggedRequest event = SubscriptionContract.Subscriber.SERVER.findAll(postRequestedFor(urlEqualTo(hook))).get(1);
        assertThat(event.getHeader("Authorization")).isEqualTo("Bearer pas-subscriber");
        JsonNode notification = JSON.readTree(event.getBodyAsString());
        // The event's focus is the PAS response Bundle the notification carries, this ClaimResponse first.
        JsonNode carried = notification.path("entry").get(1);
        assertThat(notification.path("entry").get(0).path("resource").toString()).contains("event-notification")
                .contains("\"focus\",\"valueReference\":{\"reference\":\"" + carried.path("fullUrl").asText() + "\"");
        JsonNode pas = carried.path("resource");
        assertThat(pas.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(claimResponse);
        assertThat(pas.path("entry").get(0).path("resource").path("preAuthRef").asText()).isEqualTo("PAYER-" + id);
        assertThat(reviewAction(adjudication(pas))).isEqualTo("A1");
        assertThat(get("Subscription/" + subscription).json().path("status").asText()).isEqualTo("active");
    }

    @Test
    void deliverWhenPayerIsDownThenRetriedWithBackoffUntilItAnswers() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).inScenario(id).whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        PAYER.stubFor(submitOf(id).inScenario(id).whenScenarioStateIs("up").willReturn(answer("A3", "none")));
        Response r = submit(routedRequest(id));
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        Instant now = Instant.now();
        worker.deliverDue(now);
        Map<String, Object> afterFailure = row(id);
        assertThat(afterFailure.get("status")).isEqualTo("pending");
        assertThat(afterFailure.get("attempts")).isEqualTo(1);
        assertThat(afterFailure.get("last_error")).isEqualTo("HTTP 503");
        assertThat(jdbc().queryForObject("select next_attempt_at from pas_outbox where request_key = ?", OffsetDateTime.class,
                PasBundles.REQUEST_SYSTEM + "|" + id).toInstant()).isAfter(now);
        worker.deliverDue(now);
        assertThat(payerCalls(id)).as("not due again before its backoff").isEqualTo(1);

        worker.deliverDue(now.plus(1, ChronoUnit.HOURS));
        assertThat(payerCalls(id)).isEqualTo(2);
        assertThat(row(id).get("status")).isEqualTo("delivered");
        assertThat(task(r.json()).path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo(PasProfiles.DENIED);
    }

    @Test
    void deliverWhenPayerRefusesThenTaskFailedWithThePayersOperationOutcomeAndNoRetry() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/fhir+json")
                .withBody("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\","
                        + "\"diagnostics\":\"Member not found at the payer\"}]}")));
        Response r = submit(routedRequest(id));
        Instant now = Instant.now();
        worker.deliverDue(now);
        worker.deliverDue(now.plus(1, ChronoUnit.DAYS));
        assertThat(payerCalls(id)).isEqualTo(1);
        assertThat(row(id).get("status")).isEqualTo("failed");

        JsonNode task = task(r.json());
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo(PasProfiles.ERROR);
        assertThat(task.path("contained").get(0).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(task.path("contained").get(0).path("issue").get(0).path("diagnostics").asText()).isEqualTo("Member not found at the payer");
        List<String> outputs = new ArrayList<>();
        task.path("output").forEach(o -> outputs.add(o.path("type").path("coding").get(0).path("code").asText()
                + " " + o.path("valueReference").path("reference").asText()));
        assertThat(outputs).contains(PasProfiles.TASK_PAYER_ERROR + " #payer-outcome");
        assertThat(claimResponse(r).path("outcome").asText()).isEqualTo("error");
    }

    @Test
    void deliverWhenPayerTimesOutThenAnswersGarbageThenGivesUpAfterTheLastAttempt() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).inScenario(id).whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(answer("A1", "late").withFixedDelay(5000)).willSetStateTo("garbage"));
        PAYER.stubFor(submitOf(id).inScenario(id).whenScenarioStateIs("garbage")
                .willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));
        Response r = submit(routedRequest(id));
        Instant now = Instant.now();

        worker.deliverDue(now);
        assertThat(row(id).get("last_error").toString()).startsWith("timed out");
        worker.deliverDue(now.plus(1, ChronoUnit.HOURS));
        assertThat(row(id).get("last_error").toString()).contains("without a PAS response Bundle");
        assertThat(row(id).get("status")).isEqualTo("pending");
        worker.deliverDue(now.plus(2, ChronoUnit.HOURS));
        assertThat(row(id).get("status")).isEqualTo("failed");
        assertThat(row(id).get("attempts")).isEqualTo(3);

        JsonNode task = task(r.json());
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("contained").get(0).path("issue").get(0).path("diagnostics").asText()).contains("failed 3 times");
        worker.deliverDue(now.plus(1, ChronoUnit.DAYS));
        assertThat(payerCalls(id)).isEqualTo(3);
    }

    @Test
    void deliverWhenTwoWorkersRunAtOnceThenEveryRequestReachesThePayerExactlyOnce() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "PA-" + unique();
            ids.add(id);
            PAYER.stubFor(submitOf(id).willReturn(answer("A1", "P-" + id)));
            assertThat(submit(routedRequest(id)).status()).isEqualTo(200);
        }
        Instant now = Instant.now();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    while (worker.deliverDue(now) > 0) {
                        // keep claiming until nothing is due
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            workers.add(t);
        }
        start.countDown();
        for (Thread t : workers) {
            t.join();
        }
        for (String id : ids) {
            assertThat(payerCalls(id)).as(id).isEqualTo(1);
            assertThat(row(id).get("status")).as(id).isEqualTo("delivered");
        }
    }

    @Test
    void deliverWhenPayerPendsThenItsDecisionIsAskedForOnScheduleUntilItApproves() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(answer("A4", "PAYER-" + id)));
        PAYER.stubFor(inquiryOf(id).inScenario(id).whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(inquiryAnswer(id, "A4")).willSetStateTo("decided"));
        PAYER.stubFor(inquiryOf(id).inScenario(id).whenScenarioStateIs("decided").willReturn(inquiryAnswer(id, "A1")));
        Response r = submit(routedRequest(id));
        Instant now = Instant.now();

        worker.deliverDue(now);
        assertThat(row(id).get("status")).isEqualTo("awaiting");
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.PENDED);
        assertThat(task(r.json()).path("status").asText()).isEqualTo("in-progress");
        assertThat(claimResponse(r).path("meta").path("versionId").asText()).isEqualTo("2");

        worker.deliverDue(now.plus(5, ChronoUnit.MINUTES));
        assertThat(inquiries(id)).as("not asked before the inquire interval").isZero();

        worker.deliverDue(now.plus(11, ChronoUnit.MINUTES));
        assertThat(inquiries(id)).isEqualTo(1);
        assertThat(row(id).get("status")).isEqualTo("awaiting");
        assertThat(claimResponse(r).path("meta").path("versionId").asText()).as("the same pended answer is no new version")
                .isEqualTo("2");

        worker.deliverDue(now.plus(22, ChronoUnit.MINUTES));
        assertThat(inquiries(id)).isEqualTo(2);
        assertThat(row(id).get("status")).isEqualTo("delivered");
        assertThat(row(id).get("attempts")).as("inquiries are not delivery attempts").isEqualTo(1);
        JsonNode decided = claimResponse(r);
        assertThat(decided.path("meta").path("versionId").asText()).isEqualTo("3");
        assertThat(decided.path("preAuthRef").asText()).isEqualTo("PAYER-" + id);
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.APPROVED);
        assertThat(task(r.json()).path("status").asText()).isEqualTo("completed");
        assertThat(payerCalls(id)).isEqualTo(1);

        worker.deliverDue(now.plus(1, ChronoUnit.DAYS));
        assertThat(inquiries(id)).as("no inquiries after the decision").isEqualTo(2);
    }

    @Test
    void deliverWhenAnUpdateCancelsAPendedRequestThenTheCancelGoesOnceAndThePendedOneIsNoLongerAskedAbout() {
        String first = "PA-" + unique();
        PAYER.stubFor(submitOf(first).willReturn(answer("A4", "none")));
        Bundle request = routedRequest(first);
        Response pended = submit(request);
        Instant now = Instant.now();
        worker.deliverDue(now);
        assertThat(row(first).get("status")).isEqualTo("awaiting");

        String cancel = "PA-" + unique();
        PAYER.stubFor(submitOf(cancel).willReturn(answer("C", "none"))); // added last: wins over the stub above
        Response r = submit(PasBundles.cancelRequest(PasBundles.updateOf(routedRequest(cancel), request)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(reviewAction(adjudication(r.json()))).as("the withdrawn item, while the payer has not answered").isEqualTo("C");
        assertThat(task(pended.json()).path("status").asText()).as("the pended request's follow-up ends at once").isEqualTo("cancelled");
        assertThat(row(first).get("status")).isEqualTo("expired");

        worker.deliverDue(now.plus(11, ChronoUnit.MINUTES));
        worker.deliverDue(now.plus(1, ChronoUnit.DAYS));
        assertThat(payerCalls(cancel)).as("the cancellation reaches the payer once").isEqualTo(1);
        assertThat(inquiries(first)).as("nobody asks about the cancelled request any more").isZero();
        assertThat(row(cancel).get("status")).isEqualTo("delivered");
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.CANCELLED);
        assertThat(task(r.json()).path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void deliverWhenPayerPendsThenDeniesThenTheTaskEndsDenied() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(answer("A4", "none")));
        PAYER.stubFor(inquiryOf(id).willReturn(inquiryAnswer(id, "A3")));
        Response r = submit(routedRequest(id));
        Instant now = Instant.now();

        worker.deliverDue(now);
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.PENDED);
        worker.deliverDue(now.plus(11, ChronoUnit.MINUTES));
        assertThat(row(id).get("status")).isEqualTo("delivered");
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.DENIED);
        assertThat(task(r.json()).path("status").asText()).isEqualTo("completed");
        assertThat(reviewAction(claimResponse(r).path("item").get(0).path("adjudication").get(0))).isEqualTo("A3");
    }

    @Test
    void deliverWhenPayerNeverDecidesThenAskingStopsAfterTheMaximumAgeAndTheRequestStaysPended() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(answer("A4", "none")));
        PAYER.stubFor(inquiryOf(id).willReturn(inquiryAnswer(id, "A4")));
        Response r = submit(routedRequest(id));
        Instant now = Instant.now();

        worker.deliverDue(now);
        worker.deliverDue(now.plus(2, ChronoUnit.HOURS));
        assertThat(row(id).get("status")).isEqualTo("expired");
        assertThat(row(id).get("last_error").toString()).contains("still pended");
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.PENDED);
        worker.deliverDue(now.plus(1, ChronoUnit.DAYS));
        assertThat(inquiries(id)).isEqualTo(1);
    }

    @Test
    void deliverWhenPayerTimedOutButHadTheRequestThenItsAnswerIsTakenWithoutSendingAgain() {
        String id = "PA-" + unique();
        PAYER.stubFor(submitOf(id).willReturn(answer("A1", "late").withFixedDelay(5000)));
        PAYER.stubFor(inquiryOf(id).willReturn(inquiryAnswer(id, "A1")));
        Response r = submit(routedRequest(id));
        Instant now = Instant.now();

        worker.deliverDue(now);
        Map<String, Object> afterTimeout = row(id);
        assertThat(afterTimeout.get("last_error").toString()).startsWith("timed out");
        assertThat(afterTimeout.get("sent_at")).as("in doubt: the payer may have it").isNotNull();
        assertThat(inquiries(id)).isZero();

        worker.deliverDue(now.plus(1, ChronoUnit.HOURS));
        assertThat(inquiries(id)).isEqualTo(1);
        assertThat(payerCalls(id)).as("the request is not sent again").isEqualTo(1);
        assertThat(row(id).get("status")).isEqualTo("delivered");
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.APPROVED);
        assertThat(claimResponse(r).path("preAuthRef").asText()).isEqualTo("PAYER-" + id);
    }

    @Test
    void deliverWhenPayerIsDownForMinutesThenItsBreakerOpensStopsCallingAndClosesWhenItIsBack() {
        String prefix = "/down-payer";
        PAYER.stubFor(WireMock.post(urlEqualTo(prefix + SUBMIT)).willReturn(aResponse().withStatus(503)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "PA-" + unique();
            ids.add(id);
            assertThat(submit(routedRequest(id, DOWN_PAYER_ID)).status()).isEqualTo(200);
        }
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS); // the database keeps microseconds
        while (worker.deliverDue(t0) > 0) {
            // three failed calls (two batches): the breaker opens
        }
        assertThat(payerBreakerOpen(DOWN_PAYER_ID)).isEqualTo(1.0);
        for (String id : ids) {
            assertThat(payerCalls(prefix, id)).isEqualTo(1);
        }

        Instant t2 = t0.plus(2, ChronoUnit.MINUTES);
        int claimed = 0;
        for (int n; (n = worker.deliverDue(t2)) > 0; ) {
            claimed += n;
        }
        assertThat(claimed).as("the rows were due").isEqualTo(3);
        for (String id : ids) {
            assertThat(payerCalls(prefix, id)).as("not called while the breaker is open").isEqualTo(1);
            assertThat(row(id).get("attempts")).as("not counted as an attempt").isEqualTo(1);
            assertThat(row(id).get("status")).isEqualTo("pending");
            assertThat(jdbc().queryForObject("select next_attempt_at from pas_outbox where request_key = ?", OffsetDateTime.class,
                    PasBundles.REQUEST_SYSTEM + "|" + id).toInstant()).isEqualTo(t0.plus(5, ChronoUnit.MINUTES));
        }

        PAYER.stubFor(WireMock.post(urlEqualTo(prefix + SUBMIT)).willReturn(answer("A1", "BACK")));
        Instant t6 = t0.plus(6, ChronoUnit.MINUTES);
        worker.deliverDue(t6); // half-open: one trial call goes through, and closes the breaker
        assertThat(ids.stream().mapToInt(id -> payerCalls(prefix, id)).sum()).isEqualTo(4);
        assertThat(payerBreakerOpen(DOWN_PAYER_ID)).isEqualTo(0.0);
        Instant t7 = t0.plus(7, ChronoUnit.MINUTES);
        for (int i = 0; i < 5 && worker.deliverDue(t7) > 0; i++) {
            // the rest, now that the breaker is closed
        }
        for (String id : ids) {
            assertThat(row(id).get("status")).as(id).isEqualTo("delivered");
            assertThat(row(id).get("attempts")).as(id).isEqualTo(2);
            assertThat(payerCalls(prefix, id)).as(id).isEqualTo(2);
        }
    }

    @Test
    void deliverWhenPayerUsesOAuthThenOneTokenServesManyRequestsAndA401FetchesANewOne() {
        String prefix = "/oauth-payer";
        PAYER.stubFor(WireMock.post(urlEqualTo("/oauth/token")).inScenario("tokens")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(token("tok-1")).willSetStateTo("second"));
        PAYER.stubFor(WireMock.post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(token("tok-2")));
        String first = "PA-" + unique();
        String second = "PA-" + unique();
        for (String id : List.of(first, second)) {
            PAYER.stubFor(submitOf(prefix, id).withHeader("Authorization", WireMock.equalTo("Bearer tok-1"))
                    .willReturn(answer("A1", "P-" + id)));
            assertThat(submit(routedRequest(id, OAUTH_PAYER_ID)).status()).isEqualTo(200);
        }
        Instant now = Instant.now();
        worker.deliverDue(now);
        assertThat(row(first).get("status")).isEqualTo("delivered");
        assertThat(row(second).get("status")).isEqualTo("delivered");
        List<LoggedRequest> tokenCalls = PAYER.findAll(postRequestedFor(urlEqualTo("/oauth/token")));
        assertThat(tokenCalls).as("one token for both requests").hasSize(1);
        assertThat(tokenCalls.get(0).getBodyAsString()).contains("grant_type=client_credentials").contains("scope=system%2FClaim.write");
        assertThat(tokenCalls.get(0).getHeader("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("overturn-test:test-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        String third = "PA-" + unique();
        PAYER.stubFor(submitOf(prefix, third).withHeader("Authorization", WireMock.equalTo("Bearer tok-1"))
                .willReturn(aResponse().withStatus(401)));
        PAYER.stubFor(submitOf(prefix, third).withHeader("Authorization", WireMock.equalTo("Bearer tok-2"))
                .willReturn(answer("A1", "P-" + third)));
        Response r = submit(routedRequest(third, OAUTH_PAYER_ID));
        worker.deliverDue(now.plusSeconds(1));
        assertThat(PAYER.findAll(postRequestedFor(urlEqualTo("/oauth/token")))).as("one new token after the 401").hasSize(2);
        assertThat(payerCalls(prefix, third)).isEqualTo(2);
        assertThat(row(third).get("status")).isEqualTo("delivered");
        assertThat(row(third).get("attempts")).isEqualTo(1);
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.APPROVED);
    }

    private static ResponseDefinitionBuilder token(String value) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }

    @Test
    void deliverWhenTokenEndpointIsDownThenRetriedLaterWithTheReasonAndThePayerIsNotCalled() {
        PAYER.stubFor(WireMock.post(urlEqualTo("/oauth-down/token")).willReturn(aResponse().withStatus(503)));
        String id = "PA-" + unique();
        Response r = submit(routedRequest(id, TOKEN_DOWN_PAYER_ID));
        worker.deliverDue(Instant.now());
        Map<String, Object> after = row(id);
        assertThat(after.get("status")).isEqualTo("pending");
        assertThat(after.get("attempts")).isEqualTo(1);
        assertThat(after.get("last_error").toString()).startsWith("no access token: the token endpoint")
                .contains("/oauth-down/token answered HTTP 503");
        assertThat(after.get("sent_at")).as("nothing reached the payer").isNull();
        assertThat(payerCalls("/token-down-payer", id)).isZero();
        assertThat(businessStatus(r)).isEqualTo(PasProfiles.SUBMITTED);
    }
}
