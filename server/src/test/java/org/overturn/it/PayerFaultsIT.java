package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.overturn.fixtures.Scenarios;
import org.overturn.pas.PasOutboxWorker;
import org.overturn.profiles.PasProfiles;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The systems Overturn calls out to (WireMock on loopback) misbehaving in the ways real ones do: payers answering
 * eligibility and PAS, and EHRs that CDS Hooks read missing prefetch from, are slow, fail, answer garbage or the wrong
 * resource type, break the connection, or send headers and never finish the body. Every call to a faulty system ends
 * within its configured timeout (plus {@link #SLACK}) with a clear answer, never a 500 or a hang; the rest of the
 * server keeps serving meanwhile; the circuit breaker half-opens and closes as ADR 0005 says; and the PAS outbox
 * backs off and delivers once the payer recovers. The plain failures (500, 503, too slow, HTML) are in
 * PayerEligibilityIT, PasOutboxIT and CdsEhrContract; this class goes on where they stop.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PayerFaultsIT extends ServerTest implements EligibilityRequests, PasHttp {
    private static final String PAYER_SYSTEM = "http://overturn.example.org/payer-id";
    private static final String HEALTHY = PAYER_SYSTEM + "|healthy-payer";
    private static final String FLAKY = PAYER_SYSTEM + "|flaky-pas-payer";
    private static final String BREAKER = PAYER_SYSTEM + "|half-open-payer";
    private static final String STALLED = PAYER_SYSTEM + "|stalled-payer";
    private static final String ELIGIBILITY = "/CoverageEligibilityRequest/$submit";
    private static final String SUBMIT = "/Claim/$submit";
    private static final String INQUIRE = "/Claim/$inquire";
    /** The payer timeout of every route but the stalled one. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Long enough for the other clients' work to be done while the stalled payer's calls are still waiting. */
    private static final Duration STALLED_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration OPEN_DURATION = Duration.ofSeconds(3);
    private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(10);
    /** The CDS Hooks deadline of all EHR requests of one hook call (ServerTest). */
    private static final Duration EHR_DEADLINE = Duration.ofSeconds(3);
    /** What a call to a faulty system may take beyond its timeout: our own work, a loaded test machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** A fault that is not cut short holds its call this long: far beyond every bound asserted here. */
    private static final int NEVER_MS = 60_000;

    private static final WireMockServer PAYERS = start();
    /** Enough server threads that every never-ending answer is really being sent, none waits in WireMock's queue. */
    private static final WireMockServer EHR = start();
    private static final WireMockServer HEALTHY_EHR = start();
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "payer-faults-call");
        t.setDaemon(true);
        return t;
    });
    private static Map<String, String> chart;

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(120));
        server.start();
        return server;
    }

    /** What a misbehaving payer does to CoverageEligibilityRequest/$submit, and what the client must be answered. */
    enum PayerFault {
        SLOW(504, "OVT-504-PAYER", ok(PayerEligibilityIT.payerAnswer("late")).withFixedDelay(NEVER_MS)),
        NEVER_ENDS(504, "OVT-504-PAYER", ok(PayerEligibilityIT.payerAnswer("never ends") + " ".repeat(2000))
                .withChunkedDribbleDelay(60, NEVER_MS)),
        FAILING(502, "OVT-502-PAYER", aResponse().withStatus(500).withBody("Internal Server Error")),
        UNAVAILABLE(503, "OVT-503-PAYER", aResponse().withStatus(503).withHeader("Retry-After", "120")),
        NOT_FHIR(502, "OVT-502-PAYER", aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json")
                .withBody(new byte[] {0x00, (byte) 0xff, (byte) 0xfe, 0x1f, (byte) 0x8b, 0x08, 0x7f})),
        TRUNCATED_JSON(502, "OVT-502-PAYER", ok("{\"resourceType\":\"CoverageEligibilityResponse\",\"status\":\"act")),
        WRONG_TYPE(502, "OVT-502-PAYER", ok("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":true}")),
        CONNECTION_RESET(503, "OVT-503-PAYER", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
        RANDOM_DATA_THEN_CLOSE(503, "OVT-503-PAYER", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)),
        EMPTY_RESPONSE(503, "OVT-503-PAYER", aResponse().withFault(Fault.EMPTY_RESPONSE)),
        MALFORMED_CHUNK(503, "OVT-503-PAYER", aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));

        final int status;
        final String code;
        final ResponseDefinitionBuilder answer;

        PayerFault(int status, String code, ResponseDefinitionBuilder answer) {
            this.status = status;
            this.code = code;
            this.answer = answer;
        }

        String payer() {
            return PAYER_SYSTEM + "|fault-" + path();
        }

        String path() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @DynamicPropertySource
    static void faultyPayers(DynamicPropertyRegistry registry) throws IOException {
        registry.add("overturn.data-dir", Files.createTempDirectory("overturn-payer-faults-it-")::toString);
        registry.add("overturn.pas.outbox.enabled", () -> "false");
        registry.add("overturn.pas.outbox.max-attempts", () -> "6");
        registry.add("overturn.pas.outbox.initial-backoff", () -> INITIAL_BACKOFF.toSeconds() + "s");
        registry.add("overturn.pas.outbox.max-backoff", () -> "10m");
        registry.add("overturn.pas.outbox.breaker.failure-threshold", () -> "3");
        registry.add("overturn.pas.outbox.breaker.open-duration", () -> OPEN_DURATION.toSeconds() + "s");
        List<String[]> routes = new ArrayList<>(List.of(
                new String[] {HEALTHY, "healthy", TIMEOUT.toSeconds() + "s"},
                new String[] {FLAKY, "flaky", TIMEOUT.toSeconds() + "s"},
                new String[] {BREAKER, "breaker", TIMEOUT.toSeconds() + "s"},
                new String[] {STALLED, "stalled", STALLED_TIMEOUT.toSeconds() + "s"}));
        for (PayerFault fault : PayerFault.values()) {
            routes.add(new String[] {fault.payer(), "fault-" + fault.path(), TIMEOUT.toSeconds() + "s"});
        }
        for (int i = 0; i < routes.size(); i++) {
            String[] route = routes.get(i);
            String key = "overturn.pas.payers[" + i + "].";
            registry.add(key + "identifier", () -> route[0]);
            registry.add(key + "endpoint", () -> "http://127.0.0.1:" + PAYERS.port() + "/" + route[1]);
            registry.add(key + "bearer-token", () -> "faults-token");
            registry.add(key + "timeout", () -> route[2]);
            registry.add(key + "eligibility", () -> "true");
        }
    }

    @AfterAll
    static void stopStandIns() {
        CALLS.shutdownNow();
        PAYERS.stop();
        EHR.stop();
        HEALTHY_EHR.stop();
    }

    @Autowired
    PasOutboxWorker worker;

    private static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json").withBody(body);
    }

    /** Headers at once, then a body that trickles on for a minute. */
    private static ResponseDefinitionBuilder neverEnding(String body) {
        return ok(body + " ".repeat(2000)).withChunkedDribbleDelay(60, NEVER_MS);
    }

    /** The alectinib chart, loaded once for the class; the tests move its coverage to the payer they need. */
    private Map<String, String> chart() {
        if (chart == null) {
            chart = load(Scenarios.ALECTINIB_CA.bundleJson());
        }
        return chart;
    }

    /** What a call answered and how long it took. */
    private record Timed<T>(T value, Duration took) {}

    /** Runs the call and waits at most {@code bound} for it; a call that takes longer fails the test (and is abandoned). */
    private static <T> Timed<T> within(Duration bound, Callable<T> call) throws Exception {
        long start = System.nanoTime();
        Future<T> running = CALLS.submit(call);
        return new Timed<>(resultOf(running, start, bound), Duration.ofNanos(System.nanoTime() - start));
    }

    private static <T> T resultOf(Future<T> running, long startNanos, Duration bound) throws Exception {
        try {
            return running.get(Math.max(0, startNanos + bound.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw new AssertionError("no answer within " + bound, e);
        }
    }

    private Response eligibility(Map<String, String> ids, String requestId, String... headers) {
        return post("CoverageEligibilityRequest/$submit", eligibilityRequest(ids, requestId), headers);
    }

    private int payerCalls(String path) {
        return PAYERS.findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    @ParameterizedTest
    @EnumSource(PayerFault.class)
    void eligibilityWhenThePayerMisbehavesThenAClearOutcomeWithinItsTimeoutAndNothingStored(PayerFault fault) throws Exception {
        Map<String, String> ids = paidBy(chart(), fault.payer());
        PAYERS.stubFor(WireMock.post(urlEqualTo("/fault-" + fault.path() + ELIGIBILITY)).willReturn(fault.answer));
        String id = "E-" + unique();

        Timed<Response> r = within(TIMEOUT.plus(SLACK), () -> eligibility(ids, id));

        System.out.printf("payer fault %s: HTTP %d in %d ms%n", fault, r.value().status(), r.took().toMillis());
        assertThat(r.value().assertOutcome(fault.status)).isEqualTo(fault.code);
        assertThat(r.value().json().path("issue").get(0).path("diagnostics").asText()).contains(fault.payer());
        assertThat(payerCalls("/fault-" + fault.path() + ELIGIBILITY)).as("asked once, not retried on the client's time").isEqualTo(1);
        assertThat(storedEligibilityRequests(id)).isZero();
    }

    @Test
    void eligibilityWhenOnePayerStallsThenReadsSearchesReadinessAndAnotherPayerAreServedMeanwhile() throws Exception {
        Map<String, String> stalled = paidBy(chart(), STALLED);
        Map<String, String> healthy = paidBy(chart(), HEALTHY);
        PAYERS.stubFor(WireMock.post(urlEqualTo("/stalled" + ELIGIBILITY)).willReturn(neverEnding(PayerEligibilityIT.payerAnswer("late"))));
        PAYERS.stubFor(WireMock.post(urlEqualTo("/healthy" + ELIGIBILITY)).willReturn(ok(PayerEligibilityIT.payerAnswer("on time"))));
        String patient = chart().get("Patient");
        String family = get("Patient/" + patient).json().path("name").get(0).path("family").asText();

        // As many stalled requests as one client may have in progress (overturn.fhir.max-concurrent-requests-per-client).
        long start = System.nanoTime();
        List<Future<Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "E-" + unique();
            waiting.add(CALLS.submit(() -> eligibility(stalled, id, "Authorization", "Bearer stalled-client")));
        }
        await().atMost(STALLED_TIMEOUT.minusSeconds(2))
                .until(() -> payerCalls("/stalled" + ELIGIBILITY) == 4);

        List<Integer> served = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            served.add(get("Patient/" + patient, "Authorization", "Bearer other-client").status());
            served.add(get("Patient?family=" + family, "Authorization", "Bearer other-client").status());
        }
        served.add(get(base().replace("/fhir", "/actuator/health/readiness")).status());
        for (int i = 0; i < 3; i++) {
            served.add(eligibility(healthy, "E-" + unique(), "Authorization", "Bearer other-client").status());
        }
        long stillWaiting = waiting.stream().filter(f -> !f.isDone()).count();

        assertThat(served).as("reads, searches, readiness and the healthy payer").containsOnly(200);
        assertThat(stillWaiting).as("all of it while every call to the stalled payer was still waiting").isEqualTo(4);
        for (Future<Response> call : waiting) {
            Response r = resultOf(call, start, STALLED_TIMEOUT.plus(SLACK));
            assertThat(r.assertOutcome(504)).isEqualTo("OVT-504-PAYER");
        }
        System.out.printf("stalled payer: 4 calls answered 504 after %d ms; meanwhile %d other requests served%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis(), served.size());
    }

    @Test
    void eligibilityWhenTheBreakerHalfOpensThenOneTrialGoesOutAFailedTrialReopensItAndASuccessfulOneClosesIt() throws Exception {
        Map<String, String> ids = paidBy(chart(), BREAKER);
        String path = "/breaker" + ELIGIBILITY;
        PAYERS.stubFor(WireMock.post(urlEqualTo(path)).willReturn(aResponse().withStatus(500)));
        for (int i = 0; i < 3; i++) {
            assertThat(eligibility(ids, "E-" + unique()).assertOutcome(502)).isEqualTo("OVT-502-PAYER");
        }
        assertThat(eligibility(ids, "E-" + unique()).assertOutcome(503)).as("open after 3 failures").isEqualTo("OVT-503-PAYER");
        assertThat(payerCalls(path)).isEqualTo(3);
        assertThat(payerBreakerOpen(BREAKER)).isEqualTo(1.0);

        Thread.sleep(OPEN_DURATION.plusMillis(300).toMillis());
        assertThat(eligibility(ids, "E-" + unique()).assertOutcome(502)).as("the trial call, failed").isEqualTo("OVT-502-PAYER");
        assertThat(payerCalls(path)).isEqualTo(4);
        Response reopened = eligibility(ids, "E-" + unique());
        assertThat(reopened.assertOutcome(503)).as("open again after one failed trial").isEqualTo("OVT-503-PAYER");
        assertThat(reopened.json().path("issue").get(0).path("diagnostics").asText()).contains("circuit breaker open");
        assertThat(payerCalls(path)).isEqualTo(4);

        // Back, but slow to answer: while the trial is out, the others are refused at once.
        PAYERS.stubFor(WireMock.post(urlEqualTo(path)).willReturn(ok(PayerEligibilityIT.payerAnswer("back")).withFixedDelay(1500)));
        Thread.sleep(OPEN_DURATION.plusMillis(300).toMillis());
        List<Future<Response>> halfOpen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "E-" + unique();
            halfOpen.add(CALLS.submit(() -> eligibility(ids, id, "Authorization", "Bearer half-open-" + id)));
        }
        long start = System.nanoTime();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> call : halfOpen) {
            statuses.add(resultOf(call, start, TIMEOUT.plus(SLACK)).status());
        }
        assertThat(statuses).as("one trial, the others refused while it runs").containsExactlyInAnyOrder(200, 503, 503);
        assertThat(payerCalls(path)).isEqualTo(5);
        assertThat(payerBreakerOpen(BREAKER)).isEqualTo(0.0);
        assertThat(eligibility(ids, "E-" + unique()).status()).as("closed").isEqualTo(200);
        assertThat(payerCalls(path)).isEqualTo(6);
    }

    private Map<String, Object> outboxRow(String requestId) {
        return new JdbcTemplate(dataSource()).queryForMap(
                "select status, attempts, next_attempt_at, last_error, sent_at from pas_outbox where request_key = ?",
                PasBundles.REQUEST_SYSTEM + "|" + requestId);
    }

    private int pasCalls(String path, String requestId) {
        return PAYERS.findAll(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(requestId))).size();
    }

    @Test
    void outboxWhenThePayerBreaksInEveryWayThenEachRoundEndsInTimeBacksOffAndDeliversOnceThePayerRecovers() throws Exception {
        String id = "PA-" + unique();
        String submit = "/flaky" + SUBMIT;
        List<ResponseDefinitionBuilder> failures = List.of(
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                neverEnding(PasBundles.payerAnswer("A1", "never")),
                ok("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Claim"),
                ok("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\",\"code\":\"informational\"}]}"));
        List<String> reasons = List.of("could not reach the payer", "timed out after PT2S", "HTTP 200 without a PAS response Bundle",
                "HTTP 200 without a PAS response Bundle");
        for (int i = 0; i < failures.size(); i++) {
            PAYERS.stubFor(WireMock.post(urlEqualTo(submit)).withRequestBody(containing(id)).inScenario(id)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "attempt-" + (i + 1))
                    .willReturn(failures.get(i)).willSetStateTo("attempt-" + (i + 2)));
        }
        PAYERS.stubFor(WireMock.post(urlEqualTo(submit)).withRequestBody(containing(id)).inScenario(id)
                .whenScenarioStateIs("attempt-" + (failures.size() + 1)).willReturn(ok(PasBundles.payerAnswer("A1", "BACK-" + id))));
        // Each failure leaves the request in doubt; the payer says it does not have it, so it is sent again.
        PAYERS.stubFor(WireMock.post(urlEqualTo("/flaky" + INQUIRE)).willReturn(ok("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}")));
        PAYERS.stubFor(WireMock.post(urlEqualTo("/healthy" + SUBMIT)).willReturn(ok(PasBundles.payerAnswer("A1", "HEALTHY"))));
        Response queued = within(SLACK, () -> submit(PasBundles.routedRequest(id, FLAKY))).value();
        assertThat(queued.status()).as(queued.body()).isEqualTo(200);

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String healthyId = null;
        for (int attempt = 1; attempt <= failures.size(); attempt++) {
            if (attempt == 2) {
                // In the same round as the answer that never ends: it must not wait for it.
                healthyId = "PA-" + unique();
                assertThat(submit(PasBundles.routedRequest(healthyId, HEALTHY)).status()).isEqualTo(200);
            }
            Instant at = now;
            Timed<Integer> round = within(TIMEOUT.plus(SLACK), () -> worker.deliverDue(at));
            Map<String, Object> row = outboxRow(id);
            System.out.printf("outbox attempt %d: round of %d rows took %d ms; %s%n", attempt, round.value(), round.took().toMillis(),
                    row.get("last_error"));
            assertThat(row.get("status")).isEqualTo("pending");
            assertThat(row.get("attempts")).isEqualTo(attempt);
            assertThat(row.get("last_error").toString()).contains(reasons.get(attempt - 1));
            assertThat(row.get("sent_at")).as("in doubt: the payer may have it").isNotNull();
            Instant next = new JdbcTemplate(dataSource()).queryForObject("select next_attempt_at from pas_outbox where request_key = ?",
                    OffsetDateTime.class, PasBundles.REQUEST_SYSTEM + "|" + id).toInstant();
            Duration backoff = INITIAL_BACKOFF.multipliedBy(1L << (attempt - 1));
            assertThat(Duration.between(at, next)).as("exponential backoff with jitter after attempt %d", attempt)
                    .isBetween(backoff.dividedBy(2), backoff);
            assertThat(worker.deliverDue(next.minusMillis(1))).as("not due before its backoff").isZero();
            now = next;
        }
        assertThat(outboxRow(healthyId).get("status")).as("the healthy payer's request, delivered in the stalled round")
                .isEqualTo("delivered");

        Instant recovered = now;
        within(TIMEOUT.plus(SLACK), () -> worker.deliverDue(recovered));
        Map<String, Object> row = outboxRow(id);
        assertThat(row.get("status")).isEqualTo("delivered");
        assertThat(row.get("attempts")).isEqualTo(failures.size() + 1);
        assertThat(pasCalls(submit, id)).as("sent once per attempt").isEqualTo(failures.size() + 1);
        assertThat(pasCalls("/flaky" + INQUIRE, id)).as("asked first on every retry").isEqualTo(failures.size());
        assertThat(task(queued.json()).path("businessStatus").path("coding").get(0).path("code").asText())
                .isEqualTo(PasProfiles.APPROVED);
        within(TIMEOUT.plus(SLACK), () -> worker.deliverDue(recovered.plus(1, ChronoUnit.DAYS)));
        assertThat(pasCalls(submit, id)).as("nothing after delivery").isEqualTo(failures.size() + 1);
    }

    private Response hook(CdsEhrContract cds, ObjectNode request) {
        return cds.hook("overturn-order-sign", request.toString());
    }

    @Test
    void hookWhenTheEhrBreaksConnectionsOrNeverEndsItsAnswersThenTheCardsComeWithinTheDeadlineSayingWhatWasNotRead()
            throws Exception {
        CdsEhrContract cds = this::base;
        Map<String, ResponseDefinitionBuilder> faults = Map.of(
                "conditions", neverEnding("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}"),
                "biomarkers", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                "medicationStatements", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE),
                "medicationRequests", ok("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"unexpected\"}]}"));
        ObjectNode request = cds.viaEhr(EHR, "faulty-" + unique() + "-", faults, "patient", "coverage");

        Timed<Response> r = within(EHR_DEADLINE.plus(SLACK), () -> hook(cds, request));

        System.out.printf("EHR faults: HTTP %d in %d ms: %s%n", r.value().status(), r.took().toMillis(), r.value().body());
        assertThat(r.value().status()).as(r.value().body()).isEqualTo(200);
        JsonNode cards = r.value().json().path("cards");
        JsonNode partial = java.util.stream.StreamSupport.stream(cards.spliterator(), false)
                .filter(c -> c.path("summary").asText().contains("could not read part of the chart")).findFirst().orElseThrow();
        assertThat(partial.path("detail").asText())
                .contains("conditions: the EHR did not answer within 2000 ms")
                .contains("biomarkers: the EHR could not be reached")
                .contains("medicationStatements: the EHR could not be reached")
                .contains("medicationRequests: the EHR answered something unexpected: Parameters where MedicationRequest was asked for");
    }

    @Test
    void hookWhenOneEhrNeverEndsItsAnswersThenHookCallsWithPrefetchOrAnotherEhrAreAnsweredInFullMeanwhileAndAfter()
            throws Exception {
        CdsEhrContract cds = this::base;
        Map<String, ResponseDefinitionBuilder> never = new HashMap<>();
        for (String key : new String[] {"patient", "coverage", "conditions", "biomarkers", "medicationStatements", "medicationRequests"}) {
            never.put(key, neverEnding("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}"));
        }
        // Two waves of four calls, six EHR reads each: more reads than the EHR fetch pool has threads.
        for (int wave = 0; wave < 2; wave++) {
            long start = System.nanoTime();
            List<Future<Response>> stuck = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ObjectNode request = cds.viaEhr(EHR, "never-" + unique() + "-", never);
                stuck.add(CALLS.submit(() -> hook(cds, request)));
            }
            if (wave == 0) {
                ObjectNode full = (ObjectNode) CdsHooksContract.tree(cds.hookRequest(Scenarios.ALECTINIB_CA, "order-sign",
                        "prefetch-" + unique() + "-"));
                assertFullChart(within(EHR_DEADLINE.plus(SLACK), () -> hook(cds, full)).value());
                assertFullChart(within(EHR_DEADLINE.plus(SLACK),
                        () -> hook(cds, cds.viaEhr(HEALTHY_EHR, "healthy-" + unique() + "-", Map.of()))).value());
            }
            for (Future<Response> call : stuck) {
                Response r = resultOf(call, start, EHR_DEADLINE.plus(SLACK));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("did not answer within");
            }
            System.out.printf("never-ending EHR, wave %d: 4 hook calls answered after %d ms%n", wave + 1,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
        }
        // The pool's threads came back: a healthy EHR is read in full.
        assertFullChart(within(EHR_DEADLINE.plus(SLACK),
                () -> hook(cds, cds.viaEhr(HEALTHY_EHR, "after-" + unique() + "-", Map.of()))).value());
    }

    /** The chart was read: every criterion met, nothing the EHR failed to answer. */
    private static void assertFullChart(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards").get(0).path("summary").asText()).as(r.body()).contains("5 of 5 criteria met");
        assertThat(r.body()).doesNotContain("did not answer within").doesNotContain("could not be reached");
    }
}
