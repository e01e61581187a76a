package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overturn.OverturnApplication;
import org.overturn.fixtures.Scenarios;
import org.overturn.pas.PasProfiles;

/**
 * The outbox survives a crash: a server killed with SIGKILL while forwarding PA requests to a payer, then started again
 * on the same data, delivers every request it had accepted. Delivery is at least once: only requests in flight when
 * the server died may reach the payer a second time, with the same Claim identifier, which a PAS payer recognizes.
 */
class PasOutboxCrashIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String PAYER_ID = "http://overturn.example.org/payer-id|crash-test-payer";
    private static final int REQUESTS = 24;
    private static final int BATCH = 4;

    @TempDir
    Path dataDir;

    private final WireMockServer payer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Process::destroyForcibly);
        payer.stop();
    }

    @Test
    void outboxWhenTheServerIsKilledMidDeliveryThenARestartDeliversEveryAcceptedRequest() throws Exception {
        payer.start();
        payer.stubFor(WireMock.post(urlEqualTo("/Claim/$submit"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(400).withHeader("Content-Type", "application/fhir+json")
                        .withBody(approval())));
        int port = freePort();
        Process first = start(port, "first");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = "CRASH-" + UUID.randomUUID();
            HttpResponse<String> accepted = post(port, "Claim/$submit", routedRequest(id));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            ids.add(id);
        }
        waitUntil(() -> received() >= 3, Duration.ofSeconds(60), "the first deliveries");
        first.destroyForcibly().waitFor(); // SIGKILL, mid-delivery
        int beforeCrash = received();
        assertThat(beforeCrash).as("the server died with requests still to deliver").isLessThan(REQUESTS);

        start(port, "second");
        waitUntil(() -> ids.stream().allMatch(id -> calls(id) >= 1), Duration.ofSeconds(90), "every request at the payer");
        waitUntil(() -> completedTasks(port) == REQUESTS, Duration.ofSeconds(30), "every PA Task completed");
        int duplicates = received() - REQUESTS;
        System.out.printf("outbox crash: %d of %d requests at the payer before SIGKILL, %d sent again after the restart%n",
                beforeCrash, REQUESTS, duplicates);
        assertThat(duplicates).as("only requests in flight at the crash are sent again").isBetween(0, BATCH);
        for (String id : ids) {
            assertThat(calls(id)).as(id).isBetween(1, 2);
        }
    }

    private Process start(int port, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = dataDir.resolve(name + ".log").toFile();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OverturnApplication.class.getName(),
                "--server.port=" + port, "--overturn.data-dir=" + dataDir.resolve("data"),
                "--logging.level.org.overturn.access=WARN",
                "--overturn.pas.payers[0].identifier=" + PAYER_ID,
                "--overturn.pas.payers[0].endpoint=http://127.0.0.1:" + payer.port(),
                "--overturn.pas.payers[0].timeout=5s",
                "--overturn.pas.outbox.poll-interval=100ms",
                "--overturn.pas.outbox.batch-size=" + BATCH,
                "--overturn.pas.outbox.parallelism=2",
                "--overturn.pas.outbox.lease=3s",
                "--overturn.pas.outbox.initial-backoff=200ms")
                .redirectErrorStream(true).redirectOutput(log).start();
        servers.add(p);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            assertThat(p.isAlive()).as("server %s exited; see %s", name, log).isTrue();
            try {
                if (get(port, "metadata").statusCode() == 200) {
                    return p;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server " + name + " did not answer within 120 s");
    }

    private int received() {
        return payer.findAll(postRequestedFor(urlEqualTo("/Claim/$submit"))).size();
    }

    private int calls(String id) {
        return payer.findAll(postRequestedFor(urlEqualTo("/Claim/$submit")).withRequestBody(containing(id))).size();
    }

    private int completedTasks(int port) {
        try {
            String body = get(port, "Task?code=http://overturn.example.org/fhir/CodeSystem/workflow-step%7Cprior-authorization"
                    + "&status=completed&_summary=count").body();
            return FhirHttp.JSON.readTree(body).path("total").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String routedRequest(String requestId) {
        Bundle request = PasBundles.request(Scenarios.ALECTINIB_CA.bundleJson(), "MB-" + requestId, requestId);
        Claim claim = (Claim) request.getEntryFirstRep().getResource();
        Organization insurer = (Organization) PasBundles.find(request, claim.getInsurer().getReference());
        insurer.getIdentifier().clear();
        insurer.addIdentifier().setSystem(PAYER_ID.split("\\|")[0]).setValue(PAYER_ID.split("\\|")[1]);
        return PasBundles.json(request);
    }

    private static String approval() {
        ClaimResponse response = new ClaimResponse().setStatus(ClaimResponse.ClaimResponseStatus.ACTIVE)
                .setUse(ClaimResponse.Use.PREAUTHORIZATION).setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE)
                .setPreAuthRef("PAYER-OK").setPatient(new Reference("Patient/payer-side"));
        ClaimResponse.AdjudicationComponent adjudication = response.addItem().setItemSequence(1).addAdjudication()
                .setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)));
        Extension action = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
        action.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(new Coding(PasProfiles.X12_306, "A1", null)));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl("http://payer.example.org/fhir/ClaimResponse/1").setResource(response);
        return CTX.newJsonParser().encodeResourceToString(bundle);
    }

    private static void waitUntil(java.util.function.BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/" + path))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
