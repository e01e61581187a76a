package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One client cannot take the database pool from the others: while client A has more requests waiting on a row lock
 * than the pool has connections, client B's reads are answered and readiness stays UP, before any of A's admitted
 * requests has finished; A's excess requests get 429 with Retry-After.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PoolExhaustionIT implements FhirHttp {
    private static final int A_REQUESTS = 14;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws java.io.IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-pool-it-")::toString);
        // A's writes wait this long on the held row; everything B does must be done well inside it.
        registry.add("overturn.store.lock-timeout", () -> "20s");
        registry.add("overturn.workflow.reminders-enabled", () -> "false");
        registry.add("logging.level.org.overturn.access", () -> "WARN");
    }

    @Override
    public String base() {
        return "http://localhost:" + port + "/fhir";
    }

    @Test
    void clientWhenItFloodsThePoolThenOthersAreStillServedAndReadinessHolds() throws Exception {
        String held = create("Patient", CrudContract.patient("Held", unique()));
        String other = create("Patient", CrudContract.patient("Other", unique()));
        String body = CrudContract.patient("Flood", unique())
                .replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + held + "\",");
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement s = lock.prepareStatement(
                    "select 1 from resource where res_type = 'Patient' and res_id = ? for update")) {
                s.setString(1, held);
                s.executeQuery().close();

                List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
                for (int i = 0; i < A_REQUESTS; i++) {
                    flood.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/Patient/" + held))
                                    .header("Content-Type", "application/fhir+json")
                                    .header("Authorization", "Bearer client-a")
                                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                // Whatever A was refused comes back at once; what was admitted waits on the lock.
                Thread.sleep(3000);
                List<HttpResponse<String>> refused = new ArrayList<>();
                for (CompletableFuture<HttpResponse<String>> f : flood) {
                    if (f.isDone()) {
                        refused.add(f.join());
                    }
                }
                long admitted = flood.stream().filter(f -> !f.isDone()).count();

                List<Long> micros = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    long start = System.nanoTime();
                    Response r = get("Patient/" + other, "Authorization", "Bearer client-b");
                    micros.add((System.nanoTime() - start) / 1000);
                    assertThat(r.status()).isEqualTo(200);
                }
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
                                URI.create(base().replace("/fhir", "/actuator/health/readiness")))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                long stillBlocked = flood.stream().filter(f -> !f.isDone()).count();

                assertThat(stillBlocked).as("B and readiness were served while all of A's admitted requests still waited")
                        .isEqualTo(admitted);
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains("\"UP\"");
                assertThat(refused).isNotEmpty().allSatisfy(r -> {
                    assertThat(r.statusCode()).isEqualTo(429);
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    assertThat(r.body()).contains("OperationOutcome").contains("OVT-429");
                });
                assertThat(admitted + refused.size()).isEqualTo(A_REQUESTS);

                long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("pool test: A in flight %d, A refused %d, B reads %d, B p50 %.1f ms, p99 %.1f ms,"
                                + " max %.1f ms, readiness %d %s%n",
                        admitted, refused.size(), sorted.length, sorted[sorted.length / 2] / 1000.0,
                        sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1000.0, sorted[sorted.length - 1] / 1000.0,
                        ready.statusCode(), ready.body());
            } finally {
                lock.rollback();
            }
        }
    }

}
