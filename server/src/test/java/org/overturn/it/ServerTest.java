package org.overturn.it;

import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The server under test on a random port, with the settings every test database shares. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServerTest implements FhirHttp {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void testSettings(DynamicPropertyRegistry registry) {
        registry.add("overturn.store.lock-timeout", () -> "1s");
        registry.add("overturn.fhir.max-body-size", () -> "1MB");
        // Spring's test support turns metric export off; the operations tests scrape it.
        registry.add("management.prometheus.metrics.export.enabled", () -> "true");
        // One access line per request is for operators; in test output it buries the failures.
        registry.add("logging.level.org.overturn.access", () -> "WARN");
        registry.add("logging.level.io.zonky.test.db.postgres", () -> "WARN");
        // CDS Hooks: unsigned calls allowed (development mode), but signed ones are checked against this client.
        // Deadline reminders run when a test says so (DeadlineRemindersIT), at the instant it chooses.
        registry.add("overturn.workflow.reminders-enabled", () -> "false");
        registry.add("overturn.cds.development-mode", () -> "true");
        registry.add("overturn.cds.clients[0].issuer", () -> CdsTestClient.ISSUER);
        registry.add("overturn.cds.clients[0].jwks", CdsTestClient::jwks);
        registry.add("overturn.cds.clients[1].issuer", () -> CdsTestClient.PUBLISHING_ISSUER);
        registry.add("overturn.cds.clients[1].jwks-uri", CdsTestClient::jwksUri);
        registry.add("overturn.cds.max-body-size", () -> "1MB");
        registry.add("overturn.cds.ehr.request-timeout", () -> "2s");
        registry.add("overturn.cds.ehr.deadline", () -> "3s");
        // Subscriptions: the subscriber (WireMock) is on loopback; short intervals keep the tests quick.
        registry.add("overturn.subscriptions.allow-loopback", () -> "true");
        registry.add("overturn.subscriptions.poll-interval", () -> "200ms");
        registry.add("overturn.subscriptions.initial-backoff", () -> "200ms");
        registry.add("overturn.subscriptions.max-backoff", () -> "1s");
        registry.add("overturn.subscriptions.max-attempts", () -> "3");
        registry.add("overturn.subscriptions.min-heartbeat-period", () -> "1s");
        registry.add("overturn.subscriptions.delivery-timeout", () -> "5s");
        // ClinicalTrials.gov is never called from tests: its stand-in answers what each test stubs.
        registry.add("overturn.trials.base-url", TrialRegistryStub::apiBase);
        registry.add("overturn.trials.timeout", () -> "2s");
    }

    @Override
    public String base() {
        return "http://localhost:" + port + "/fhir";
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The gauge {@code overturn_payer_breaker_open} of a payer: 1 while its circuit breaker is open or half-open. */
    double payerBreakerOpen(String payerId) {
        String metrics = get("http://localhost:" + port + "/actuator/prometheus").body();
        String prefix = "overturn_payer_breaker_open{payer=\"" + payerId + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).map(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no breaker gauge for " + payerId + " in " + metrics));
    }
}
