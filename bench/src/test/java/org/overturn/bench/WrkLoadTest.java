package org.overturn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** wrk against a loopback server that records what arrives (CI installs wrk; without it these tests are skipped). */
class WrkLoadTest {
    private HttpServer server;
    private final Map<Integer, Set<String>> pathsByConnection = new ConcurrentHashMap<>();
    private final Set<String> bodies = ConcurrentHashMap.newKeySet();
    private final AtomicInteger puts = new AtomicInteger();
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
    private volatile int status = 200;
    private final List<String> hookBodies = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final Set<String> hookAuthorizations = ConcurrentHashMap.newKeySet();
    private final Set<String> hookPaths = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        assumeThat(WrkLoad.available()).as("wrk installed (Debian: apt-get install wrk)").isTrue();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/fhir", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("PUT")) {
                puts.incrementAndGet();
                bodies.add(new String(body, StandardCharsets.UTF_8));
                pathsByConnection.computeIfAbsent(exchange.getRemoteAddress().getPort(), p -> ConcurrentHashMap.newKeySet())
                        .add(exchange.getRequestURI().getPath());
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "none" : auth);
            byte[] answer = status == 200 ? "{}".getBytes(StandardCharsets.UTF_8)
                    : "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"diagnostics\":\"broken\"}]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/cds-services", exchange -> {
            hookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            hookAuthorizations.add(auth == null ? "none" : auth);
            hookPaths.add(exchange.getRequestURI().getPath());
            byte[] answer = "{\"cards\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
    }

    @Test
    void measureWhenAnUpdateTargetThenEachClientWritesItsOwnResourceWithANewValueEveryTime() throws Exception {
        LoadDriver.Target put = new LoadDriver.Target("PUT", "/Observation/" + LoadDriver.OWN,
                "{\"resourceType\":\"Observation\",\"id\":\"" + LoadDriver.OWN + "\",\"valueString\":\"MARK\"}",
                "application/fhir+json", "MARK", List.of("a", "b"));

        java.util.concurrent.atomic.AtomicInteger answeredAtStart = new java.util.concurrent.atomic.AtomicInteger(-1);
        LoadDriver.Result r = WrkLoad.measure(base(), "update", List.of(put), 2, 1, 0, "t0ken",
                () -> answeredAtStart.set(puts.get()));

        assertThat(answeredAtStart).as("the start hook runs before the timed requests").hasValue(0);

        assertThat(r.requests()).isPositive();
        assertThat(r.throughput()).isPositive();
        assertThat(r.p99()).isGreaterThanOrEqualTo(r.p50());
        assertThat(pathsByConnection).hasSize(2);
        assertThat(pathsByConnection.values()).allSatisfy(paths -> assertThat(paths).hasSize(1));
        assertThat(pathsByConnection.values().stream().flatMap(Set::stream))
                .containsExactlyInAnyOrder("/fhir/Observation/a", "/fhir/Observation/b");
        assertThat(bodies).hasSize(puts.get()).allSatisfy(b -> assertThat(b).doesNotContain("MARK").doesNotContain(LoadDriver.OWN));
        assertThat(authorizations).containsExactly("Bearer t0ken");
    }

    @Test
    void measureWhenTheServerAnswersAnErrorThenTheRunFailsWithTheFirstAnswer() {
        status = 500;
        LoadDriver.Target read = new LoadDriver.Target("GET", "/Observation/x", "");

        assertThatThrownBy(() -> WrkLoad.measure(base(), "read", List.of(read), 1, 1, 0, null, () -> {}))
                .hasMessageContaining("did not answer 200 or 201").hasMessageContaining("500").hasMessageContaining("broken");
        assertThat(authorizations).containsExactly("none");
    }

    @Test
    void measureWhenTheServerAnswersASuccessOtherThan200Or201ThenTheRunFailsToo() {
        status = 202; // wrk itself counts only 4xx and 5xx as errors
        LoadDriver.Target read = new LoadDriver.Target("GET", "/Observation/x", "");

        assertThatThrownBy(() -> WrkLoad.measure(base(), "read", List.of(read), 1, 1, 0, null, () -> {}))
                .hasMessageContaining("did not answer 200 or 201").hasMessageContaining("202");
    }

    @Test
    void measureWhenAHookCallToTheSameServerThenEachBodyHasAHookInstanceOfItsOwnAndNoFhirToken() throws Exception {
        String hooks = base().toString().replaceFirst("/fhir$", "/cds-services/order-sign");
        LoadDriver.Target hook = new LoadDriver.Target("POST", hooks,
                "{\"hook\":\"order-sign\"," + LoadDriver.HOOK_INSTANCE + ",\"context\":{}}", "application/json",
                LoadDriver.HOOK_INSTANCE);
        assertThat(WrkLoad.handles(base(), List.of(hook))).isTrue();
        assertThat(WrkLoad.handles(URI.create("http://127.0.0.1:1/fhir"), List.of(hook))).as("another server").isFalse();

        LoadDriver.Result r = WrkLoad.measure(base(), "order-sign", List.of(hook), 2, 1, 0, "t0ken", () -> {});

        assertThat(r.requests()).isPositive();
        assertThat(hookPaths).containsExactly("/cds-services/order-sign");
        assertThat(hookAuthorizations).as("the FHIR API's token stays on the FHIR API").containsExactly("none");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Set<String> instances = new java.util.HashSet<>();
        synchronized (hookBodies) {
            for (String body : hookBodies) {
                com.fasterxml.jackson.databind.JsonNode tree = json.readTree(body);
                assertThat(tree.path("hook").asText()).isEqualTo("order-sign");
                instances.add(tree.path("hookInstance").asText());
            }
        }
        assertThat(instances).hasSize(hookBodies.size()).noneMatch(i -> i.isEmpty() || i.equals("bench"));
    }
}
