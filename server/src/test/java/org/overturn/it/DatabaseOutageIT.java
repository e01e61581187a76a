package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.overturn.it.ServerProcesses.waitUntil;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.lang.Nullable;

/**
 * The database stopped and started again under load: the server runs on a PostgreSQL the test runs itself, while two
 * clients write Patients and a third reads them back. PostgreSQL is shut down immediately (connections cut, no
 * checkpoint) and kept down for a while, then started again. While it is down every request is answered within a few
 * seconds with 503 and an OperationOutcome; once it is up the server serves reads and writes again by itself within
 * 10 s, and every write it acknowledged is there. Outages: {@code -Doverturn.db-outage.cycles} (2 by default).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES) // a safety net: every step below has its own bound
class DatabaseOutageIT {
    private static final int CYCLES = Integer.getInteger("overturn.db-outage.cycles", 2);
    private static final String SYSTEM = "http://overturn.example.org/fhir/sid/db-outage-write";
    private static final Duration STEADY = Duration.ofSeconds(2);
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    /** Longest answer allowed, at any time: while the database is down, the refusal must come this fast. */
    private static final Duration FAIL_FAST = Duration.ofSeconds(5);
    private static final Duration RECOVERY = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestPostgres database;
    private ServerProcesses servers;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    /** One request as the client saw it; status -1 when no answer came (connection failed or timed out). */
    record Exchange(boolean write, long start, long end, int status, String contentType, String body) {
        long millis() {
            return (end - start) / 1_000_000;
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A Patient the server acknowledged: its id and the identifier the test gave it. */
    record Written(String id, String identifier) {}

    private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
    private final List<Written> written = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        database = new TestPostgres(dir.resolve("postgres"));
        servers = new ServerProcesses(dir.resolve("server"));
    }

    @AfterEach
    void tearDown() throws Exception {
        stop.set(true);
        for (Thread t : clients) {
            t.join(60_000);
        }
        servers.close();
        database.close();
    }

    @Test
    void databaseWhenStoppedUnderLoadThenRequestsFailFastWith503AndTheServerRecoversWithin10sLosingNothing() throws Exception {
        database.start();
        servers.start("server", "--spring.datasource.url=" + database.jdbcUrl(), "--spring.datasource.username=postgres");
        clients.add(client("writer-1", true));
        clients.add(client("writer-2", true));
        clients.add(client("reader", false));
        waitUntil(() -> !written.isEmpty(), Duration.ofSeconds(30), "a first acknowledged write");

        List<Long> recoveries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int refusedWhileDown = 0;
        long slowestRefusal = 0;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            Thread.sleep(STEADY.toMillis());
            database.stopImmediately();
            long down = System.nanoTime();
            Thread.sleep(OUTAGE.toMillis());
            long restart = System.nanoTime();
            database.start();
            long up = System.nanoTime();

            // Recovered: a read and a write have both been answered 2xx since PostgreSQL accepted connections again.
            try {
                waitUntil(() -> answeredSince(up, e -> e.write() && e.ok()) != null
                        && answeredSince(up, e -> !e.write() && e.ok()) != null, RECOVERY.plusSeconds(20), "reads and writes answered again");
            } catch (AssertionError notRecovered) {
                throw new AssertionError(notRecovered.getMessage() + "; the last answers: " + lastAnswers(), notRecovered);
            }
            long recovered = Math.max(answeredSince(up, e -> e.write() && e.ok()).end(), answeredSince(up, e -> !e.write() && e.ok()).end());
            Thread.sleep(STEADY.toMillis());

            List<Exchange> whileDown = between(down, up);
            long refused = whileDown.stream().filter(e -> e.status() == 503).count();
            refusedWhileDown += (int) refused;
            slowestRefusal = Math.max(slowestRefusal, whileDown.stream().mapToLong(Exchange::millis).max().orElse(0));
            long recoveryMillis = (recovered - up) / 1_000_000;
            recoveries.add(recoveryMillis);
            System.out.printf("database outage %d: %d requests answered while PostgreSQL was down (%d ms), %d of them 503,"
                            + " slowest %d ms; PostgreSQL restart %d ms; server recovered %d ms after PostgreSQL was up%n",
                    cycle, whileDown.size(), (up - down) / 1_000_000, refused,
                    whileDown.stream().mapToLong(Exchange::millis).max().orElse(0), (up - restart) / 1_000_000, recoveryMillis);
            if (whileDown.stream().noneMatch(e -> e.write() && e.status() == 503)
                    || whileDown.stream().noneMatch(e -> !e.write() && e.status() == 503)) {
                problems.add("outage " + cycle + ": no read or no write was refused with 503 while the database was down");
            }
            for (Exchange e : List.copyOf(exchanges)) {
                if (e.start() > recovered && !e.ok()) {
                    problems.add("outage " + cycle + ": answered " + e.status() + " after the server had recovered: " + e.body());
                }
            }
        }
        stop.set(true);
        for (Thread t : clients) {
            t.join(60_000);
            assertThat(t.isAlive()).as("%s stopped", t.getName()).isFalse();
        }

        int lost = 0;
        for (Written w : List.copyOf(written)) {
            HttpResponse<String> read = servers.get("Patient/" + w.id());
            int found = servers.count("Patient?identifier=" + SYSTEM + "|" + w.identifier());
            if (read.statusCode() != 200 || found != 1) {
                lost++;
                problems.add("acknowledged Patient/" + w.id() + ": read " + read.statusCode() + ", found " + found + " times");
            }
        }
        List<Exchange> all = List.copyOf(exchanges);
        System.out.printf("database outages: %d cycles; %d requests, %d writes acknowledged, %d lost; %d answered 503 while"
                        + " down, slowest answer while down %d ms, slowest overall %d ms; recovery (ms after PostgreSQL was"
                        + " up) %s%n",
                CYCLES, all.size(), written.size(), lost, refusedWhileDown, slowestRefusal,
                all.stream().mapToLong(Exchange::millis).max().orElse(0), recoveries);

        assertThat(all).as("every answer is a 2xx or a 503 with an OperationOutcome").allSatisfy(e -> {
            if (!e.ok()) {
                assertThat(e.status()).as(e.body()).isEqualTo(503);
                assertThat(e.contentType()).contains("fhir+json");
                assertThat(e.body()).contains("\"resourceType\":\"OperationOutcome\"").contains("OVT-503");
            }
        });
        assertThat(all).as("answered within %s, down or not", FAIL_FAST)
                .allSatisfy(e -> assertThat(e.millis()).isLessThanOrEqualTo(FAIL_FAST.toMillis()));
        assertThat(recoveries).as("recovery after PostgreSQL is up (ms)")
                .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(RECOVERY.toMillis()));
        assertThat(problems).isEmpty();
    }

    /** A client sending one request after another: Patient creates, or reads and searches of acknowledged ones. */
    private Thread client(String name, boolean writes) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                long start = System.nanoTime();
                try {
                    HttpResponse<String> r;
                    String identifier = UUID.randomUUID().toString();
                    if (writes) {
                        r = servers.post("Patient", """
                                {"resourceType":"Patient","identifier":[{"system":"%s","value":"%s"}],
                                 "name":[{"family":"Outage","given":["Ada"]}],"birthDate":"1970-02-03"}
                                """.formatted(SYSTEM, identifier));
                        if (r.statusCode() == 201) {
                            written.add(new Written(FhirHttp.JSON.readTree(r.body()).path("id").asText(), identifier));
                        }
                    } else if (written.isEmpty()) {
                        Thread.sleep(20);
                        continue;
                    } else {
                        Written w = written.get(ThreadLocalRandom.current().nextInt(written.size()));
                        r = ThreadLocalRandom.current().nextBoolean() ? servers.get("Patient/" + w.id())
                                : servers.get("Patient?identifier=" + SYSTEM + "|" + w.identifier());
                    }
                    exchanges.add(new Exchange(writes, start, System.nanoTime(), r.statusCode(),
                            r.headers().firstValue("Content-Type").orElse(""), r.body()));
                    Thread.sleep(20);
                } catch (IOException e) {
                    exchanges.add(new Exchange(writes, start, System.nanoTime(), -1, "", e.toString()));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "outage-" + name);
        t.start();
        return t;
    }

    /** The first exchange matching {@code which} that ended after {@code since}, by its end. */
    private @Nullable Exchange answeredSince(long since, Predicate<Exchange> which) {
        synchronized (exchanges) {
            return exchanges.stream().filter(e -> e.end() > since && which.test(e))
                    .min((a, b) -> Long.compare(a.end(), b.end())).orElse(null);
        }
    }

    private String lastAnswers() {
        List<Exchange> all = List.copyOf(exchanges);
        StringBuilder text = new StringBuilder();
        for (Exchange e : all.subList(Math.max(0, all.size() - 6), all.size())) {
            text.append("\n").append(e.write() ? "write " : "read ").append(e.status()).append(" after ").append(e.millis())
                    .append(" ms: ").append(e.body(), 0, Math.min(300, e.body().length()));
        }
        return text.toString();
    }

    /** The exchanges sent after {@code from} and answered before {@code to}. */
    private List<Exchange> between(long from, long to) {
        synchronized (exchanges) {
            return exchanges.stream().filter(e -> e.start() >= from && e.end() <= to).toList();
        }
    }
}
