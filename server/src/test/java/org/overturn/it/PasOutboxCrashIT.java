package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overturn.OverturnApplication;
import org.overturn.fixtures.Scenarios;
import org.overturn.profiles.PasProfiles;

/**
 * The outbox survives a crash: a server killed with SIGKILL while forwarding PA requests to a payer, then started again
 * on the same data, delivers every request it had accepted to the payer's {@code Claim/$submit} exactly once. The
 * stand-in payer answers {@code Claim/$inquire} for the Claim identifiers it has received, so the requests that were in
 * flight when the server died are found at the payer and not sent again.
 */
class PasOutboxCrashIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String PAYER_ID = "http://overturn.example.org/payer-id|crash-test-payer";
    private static final int REQUESTS = 24;
    private static final int BATCH = 4;

    @TempDir
    Path dataDir;

    private final InquiringPayer decisions = new InquiringPayer();
    private final WireMockServer payer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(decisions));
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Process::destroyForcibly);
        payer.stop();
    }

    @Test
    void outboxWhenTheServerIsKilledMidDeliveryThenARestartDeliversEveryAcceptedRequestExactlyOnce() throws Exception {
        payer.start();
        payer.stubFor(WireMock.post(urlEqualTo("/Claim/$submit"))
                .willReturn(aResponse().withFixedDelay(1500).withTransformers(InquiringPayer.NAME)));
        payer.stubFor(WireMock.post(urlEqualTo("/Claim/$inquire")).willReturn(aResponse().withTransformers(InquiringPayer.NAME)));
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
        int inquiries = payer.findAll(postRequestedFor(urlEqualTo("/Claim/$inquire"))).size();
        System.out.printf("outbox crash: %d of %d requests at the payer before SIGKILL; %d in-doubt requests asked for after"
                + " the restart%n", beforeCrash, REQUESTS, inquiries);
        assertThat(inquiries).as("the requests in flight at the crash were asked for, not sent blindly").isPositive();
        for (String id : ids) {
            assertThat(calls(id)).as("Claim/$submit calls for %s", id).isEqualTo(1);
        }
        assertThat(received()).isEqualTo(REQUESTS);
    }

    private Process start(int port, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = dataDir.resolve(name + ".log").toFile();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OverturnApplication.class.getName(),
                "--server.port=" + port, "--overturn.data-dir=" + dataDir.resolve("data"),
                "--logging.level.org.overturn.access=WARN",
                "--overturn.pas.payers[0].identifier=" + PAYER_ID,
                "--overturn.pas.payers[0].endpoint=http://127.0.0.1:" + payer.port(),
                "--overturn.pas.payers[0].timeout=3s",
                "--overturn.pas.outbox.poll-interval=100ms",
                "--overturn.pas.outbox.batch-size=" + BATCH,
                "--overturn.pas.outbox.parallelism=2",
                "--overturn.pas.outbox.lease=15s",
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

    /**
     * The stand-in payer's memory: {@code Claim/$submit} records the Claim identifier and approves; {@code Claim/$inquire}
     * answers the approval (with the Claim, as PAS inquiry responses carry it) for a recorded identifier, and an empty
     * Parameters for any other. WireMock runs this when a request has arrived, before the stub's delay: a request the
     * server was killed waiting for is known here.
     */
    static final class InquiringPayer implements ResponseDefinitionTransformerV2 {
        static final String NAME = "inquiring-payer";
        private final Set<String> received = ConcurrentHashMap.newKeySet();

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Bundle body = CTX.newJsonParser().parseResource(Bundle.class, event.getRequest().getBodyAsString());
            Claim claim = (Claim) body.getEntryFirstRep().getResource();
            String id = claim.getIdentifierFirstRep().getValue();
            String answer;
            if (event.getRequest().getUrl().endsWith("$submit")) {
                received.add(id);
                answer = approval(null);
            } else {
                Parameters parameters = new Parameters();
                if (received.contains(id)) {
                    parameters.addParameter().setName("return").setResource(CTX.newJsonParser().parseResource(Bundle.class, approval(claim)));
                }
                answer = CTX.newJsonParser().encodeResourceToString(parameters);
            }
            return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(200)
                    .withHeader("Content-Type", "application/fhir+json").withBody(answer).build();
        }
    }

    /** The payer's approval; for an inquiry, with the inquired Claim as the request it answers. */
    private static String approval(Claim inquired) {
        ClaimResponse response = new ClaimResponse().setStatus(ClaimResponse.ClaimResponseStatus.ACTIVE)
                .setUse(ClaimResponse.Use.PREAUTHORIZATION).setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE)
                .setPreAuthRef("PAYER-OK").setPatient(new Reference("Patient/payer-side"));
        ClaimResponse.AdjudicationComponent adjudication = response.addItem().setItemSequence(1).addAdjudication()
                .setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)));
        Extension action = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
        action.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(new Coding(PasProfiles.X12_306, "A1", null)));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl("http://payer.example.org/fhir/ClaimResponse/1").setResource(response);
        if (inquired != null) {
            response.setRequest(new Reference("Claim/payer-1"));
            Claim claim = new Claim();
            inquired.getIdentifier().forEach(i -> claim.addIdentifier(i.copy()));
            bundle.addEntry().setFullUrl("http://payer.example.org/fhir/Claim/payer-1").setResource(claim);
        }
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
