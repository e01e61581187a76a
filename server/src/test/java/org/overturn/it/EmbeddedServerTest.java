package org.overturn.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The server on its embedded PostgreSQL, in a data directory of its own. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class EmbeddedServerTest implements FhirHttp {
    private static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("overturn-it-");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) {
        registry.add("overturn.data-dir", DATA_DIR::toString);
        registry.add("overturn.store.lock-timeout", () -> "1s");
        // Spring's test support turns metric export off; the operations tests scrape it.
        registry.add("management.prometheus.metrics.export.enabled", () -> "true");
        registry.add("overturn.fhir.max-body-size", () -> "1MB");
        // One access line per request is for operators; in test output it buries the failures.
        registry.add("logging.level.org.overturn.access", () -> "WARN");
        registry.add("logging.level.io.zonky.test.db.postgres", () -> "WARN");
    }

    @Override
    public String base() {
        return "http://localhost:" + port + "/fhir";
    }
}
