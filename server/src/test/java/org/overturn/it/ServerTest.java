package org.overturn.it;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
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
        SETTINGS.forEach(registry::add);
    }

    /** The settings every server under test shares (also those a test starts itself, as TwoInstancesFhirApiIT does). */
    static final Map<String, Supplier<Object>> SETTINGS = settings();

    private static Map<String, Supplier<Object>> settings() {
        Map<String, Supplier<Object>> settings = new LinkedHashMap<>();
        settings.put("overturn.store.lock-timeout", () -> "1s");
        settings.put("overturn.fhir.max-body-size", () -> "1MB");
        // Spring's test support turns metric export off; the operations tests scrape it.
        settings.put("management.prometheus.metrics.export.enabled", () -> "true");
        // One access line per request is for operators; in test output it buries the failures.
        settings.put("logging.level.org.overturn.access", () -> "WARN");
        settings.put("logging.level.io.zonky.test.db.postgres", () -> "WARN");
        // CDS Hooks: unsigned calls allowed (development mode), but signed ones are checked against this client.
        // Deadline reminders run when a test says so (DeadlineRemindersIT), at the instant it chooses.
        settings.put("overturn.workflow.reminders-enabled", () -> "false");
        settings.put("overturn.cds.development-mode", () -> "true");
        settings.put("overturn.cds.clients[0].issuer", () -> CdsTestClient.ISSUER);
        settings.put("overturn.cds.clients[0].jwks", CdsTestClient::jwks);
        settings.put("overturn.cds.clients[1].issuer", () -> CdsTestClient.PUBLISHING_ISSUER);
        settings.put("overturn.cds.clients[1].jwks-uri", CdsTestClient::jwksUri);
        settings.put("overturn.cds.max-body-size", () -> "1MB");
        settings.put("overturn.cds.ehr.request-timeout", () -> "2s");
        settings.put("overturn.cds.ehr.deadline", () -> "3s");
        // Subscriptions: the subscriber (WireMock) is on loopback; short intervals keep the tests quick.
        settings.put("overturn.subscriptions.allow-loopback", () -> "true");
        settings.put("overturn.subscriptions.poll-interval", () -> "200ms");
        settings.put("overturn.subscriptions.initial-backoff", () -> "200ms");
        settings.put("overturn.subscriptions.max-backoff", () -> "1s");
        settings.put("overturn.subscriptions.max-attempts", () -> "3");
        settings.put("overturn.subscriptions.min-heartbeat-period", () -> "1s");
        settings.put("overturn.subscriptions.delivery-timeout", () -> "5s");
        // ClinicalTrials.gov is never called from tests: its stand-in answers what each test stubs.
        settings.put("overturn.trials.base-url", TrialRegistryStub::apiBase);
        settings.put("overturn.trials.timeout", () -> "2s");
        return settings;
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
