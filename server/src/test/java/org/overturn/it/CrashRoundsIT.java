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
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.lang.Nullable;

/**
 * Crash rounds: round after round, the server is killed with SIGKILL while three clients send it a stream of writes
 * (plain creates by PUT and POST, transactions, PAS {@code Claim/$submit} routed to a stand-in payer), then started
 * again on the same data. After each restart every write that was acknowledged (a 2xx answer arrived) is stored
 * exactly once, and a write in flight at the kill is stored once or not at all (a transaction wholly or not at all).
 * At the end, once the outbox has drained, every PA request the server stored has reached the payer exactly once, and
 * none it did not store has. Rounds: {@code -Doverturn.crash.rounds} (3 by default; 20 for the long run).
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES) // a safety net: every step below has its own bound
class CrashRoundsIT {
    private static final int ROUNDS = Integer.getInteger("overturn.crash.rounds", 3);
    private static final String SYSTEM = "http://overturn.example.org/fhir/sid/crash-round-write";
    private static final Duration WRITERS_END = Duration.ofSeconds(60);
    private static final List<String> KINDS = List.of("create", "transaction", "Claim/$submit");

    @TempDir
    Path dir;

    private InquiringPayer payer;
    private ServerProcesses servers;

    @BeforeEach
    void setUp() throws Exception {
        // Slow enough that deliveries are in flight when the server is killed.
        payer = new InquiringPayer(Duration.ofMillis(400));
        servers = new ServerProcesses(dir);
    }

    @AfterEach
    void stop() throws Exception {
        servers.close();
        payer.close();
    }

    /** A resource a write creates, found again by the identifier the test gave it. */
    record Stored(String type, String system, String value) {
        String search() {
            return type + "?identifier=" + system + "|" + value;
        }
    }

    /** A write sent to the server; {@code claim} is the Claim identifier of a PA request, else null. */
    record Write(String kind, List<Stored> creates, @Nullable String claim) {}

    private record Attempt(Write write, String method, String path, String body) {}

    /** What the clients sent and learned. */
    private static final class Ledger {
        final List<Write> acknowledged = Collections.synchronizedList(new ArrayList<>());
        final List<Write> inFlight = Collections.synchronizedList(new ArrayList<>());
        /** Answers other than 2xx from a live server: none are expected. */
        final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    }

    /** What a check of the stored data found. */
    private record Findings(int lost, int duplicated, int torn, int inFlightStored, List<String> problems) {}

    @Test
    void serverWhenKilledRoundAfterRoundDuringWritesThenNoAcknowledgedWriteIsLostOrDuplicatedAndEveryRequestReachesThePayerOnce()
            throws Exception {
        long seed = Long.getLong("overturn.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Ledger all = new Ledger();
        Ledger lastRound = new Ledger();
        List<String> problems = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            Process server = servers.start("round-" + round, settings());
            // The last round's writes are read back after each restart; all of them again at the end.
            problems.addAll(check(lastRound.acknowledged, lastRound.inFlight).problems());
            AtomicBoolean stop = new AtomicBoolean();
            Ledger ledger = new Ledger();
            List<Thread> writers = List.of(
                    writer("creates", CrashRoundsIT::plainCreate, ledger, stop),
                    writer("transactions", CrashRoundsIT::transaction, ledger, stop),
                    writer("submissions", CrashRoundsIT::submission, ledger, stop));
            // Kill once every kind of write is being acknowledged (a fresh server is slow to start with), at a random
            // moment after that.
            waitUntil(() -> KINDS.stream().allMatch(kind -> countKind(ledger.acknowledged, kind) > 0), Duration.ofSeconds(60),
                    "every kind of write acknowledged in round " + round);
            long killAfter = 500 + random.nextInt(3000);
            Thread.sleep(killAfter);
            ServerProcesses.kill(server);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(WRITERS_END.toMillis());
                assertThat(writer.isAlive()).as("%s ended after the kill", writer.getName()).isFalse();
            }
            System.out.printf("crash round %d: killed %d ms after the first of each kind of write; %d writes acknowledged, %d in flight; %d PA requests"
                            + " at the payer so far%n",
                    round, killAfter, ledger.acknowledged.size(), ledger.inFlight.size(), payer.submissions());
            all.acknowledged.addAll(ledger.acknowledged);
            all.inFlight.addAll(ledger.inFlight);
            all.refused.addAll(ledger.refused);
            lastRound = ledger;
        }

        servers.start("after-round-" + ROUNDS, settings());
        Findings found = check(all.acknowledged, all.inFlight);
        problems.addAll(found.problems());

        List<String> stored = new ArrayList<>();
        List<String> notStored = new ArrayList<>();
        for (Write w : all.acknowledged) {
            if (w.claim() != null) {
                stored.add(w.claim());
            }
        }
        for (Write w : all.inFlight) {
            if (w.claim() != null) {
                (servers.count(w.creates().get(0).search()) == 1 ? stored : notStored).add(w.claim());
            }
        }
        waitUntil(() -> stored.stream().allMatch(id -> payer.submissions(id) >= 1), Duration.ofSeconds(120),
                "every stored PA request at the payer");
        waitUntil(() -> completedPaTasks() == stored.size(), Duration.ofSeconds(60), "every PA Task completed");
        int deliveredTwice = 0;
        for (String id : stored) {
            int calls = payer.submissions(id);
            if (calls != 1) {
                deliveredTwice++;
                problems.add("PA request " + id + " (stored) reached the payer " + calls + " times");
            }
        }
        for (String id : notStored) {
            if (payer.submissions(id) != 0) {
                problems.add("PA request " + id + " (not stored) reached the payer");
            }
        }
        long kinds = all.acknowledged.stream().map(Write::kind).distinct().count();
        System.out.printf("crash rounds: %d rounds of SIGKILL (seed %d); %d writes acknowledged (%d creates, %d"
                        + " transactions, %d PA requests), %d in flight at the kills (%d of them stored); lost %d,"
                        + " duplicated %d, partly stored %d; payer: %d deliveries for %d stored PA requests, %d not"
                        + " exactly once, %d inquiries after restarts; %d non-2xx answers%n",
                ROUNDS, seed, all.acknowledged.size(), countKind(all.acknowledged, "create"),
                countKind(all.acknowledged, "transaction"), countKind(all.acknowledged, "Claim/$submit"),
                all.inFlight.size(), found.inFlightStored(), found.lost(), found.duplicated(), found.torn(), payer.submissions(), stored.size(),
                deliveredTwice, payer.inquiries(), all.refused.size());

        assertThat(all.refused).as("answers other than 2xx while the server ran").isEmpty();
        assertThat(problems).isEmpty();
        assertThat(kinds).as("every kind of write was acknowledged at least once").isEqualTo(5);
        assertThat(payer.submissions()).as("deliveries, all Claims").isEqualTo(stored.size());
    }

    /** Reads back every write: an acknowledged one is stored exactly once; one in flight at most once, and wholly. */
    private Findings check(List<Write> acknowledged, List<Write> inFlight) throws Exception {
        int lost = 0;
        int duplicated = 0;
        int torn = 0;
        int inFlightStored = 0;
        List<String> problems = new ArrayList<>();
        for (Write w : List.copyOf(acknowledged)) {
            for (Stored s : w.creates()) {
                int n = servers.count(s.search());
                if (n != 1) {
                    problems.add("acknowledged " + w.kind() + ": " + s.search() + " found " + n + " times");
                    lost += n == 0 ? 1 : 0;
                    duplicated += n > 1 ? 1 : 0;
                }
            }
        }
        for (Write w : List.copyOf(inFlight)) {
            List<Integer> counts = new ArrayList<>();
            for (Stored s : w.creates()) {
                counts.add(servers.count(s.search()));
            }
            if (counts.stream().anyMatch(n -> n > 1)) {
                duplicated++;
                problems.add("in-flight " + w.kind() + " " + w.creates() + " stored more than once: " + counts);
            } else if (counts.stream().distinct().count() > 1) {
                torn++;
                problems.add("in-flight " + w.kind() + " " + w.creates() + " stored in part: " + counts);
            } else if (counts.get(0) == 1) {
                inFlightStored++;
            }
        }
        return new Findings(lost, duplicated, torn, inFlightStored, problems);
    }

    /** A client sending one kind of write after another until the server stops answering or the round ends. */
    private Thread writer(String name, Supplier<Attempt> next, Ledger ledger, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                Attempt a = next.get();
                try {
                    HttpResponse<String> r = servers.send(a.method(), a.path(), a.body());
                    if (r.statusCode() / 100 == 2) {
                        ledger.acknowledged.add(a.write());
                    } else {
                        ledger.inFlight.add(a.write()); // not acknowledged; must not be stored twice either
                        String body = r.body();
                        ledger.refused.add(a.write().kind() + " " + r.statusCode() + " " + body.substring(0, Math.min(300, body.length())));
                    }
                } catch (IOException | InterruptedException serverGone) {
                    ledger.inFlight.add(a.write());
                    return;
                }
            }
        }, "crash-writer-" + name);
        t.start();
        return t;
    }

    private static Attempt plainCreate() {
        String value = UUID.randomUUID().toString();
        Stored patient = new Stored("Patient", SYSTEM, value);
        return switch (Math.floorMod(value.hashCode(), 3)) {
            case 0 -> new Attempt(new Write("create: PUT Patient", List.of(patient), null), "PUT", "Patient/crash-" + value,
                    patient(value, "crash-" + value));
            case 1 -> new Attempt(new Write("create: POST Patient", List.of(patient), null), "POST", "Patient",
                    patient(value, null));
            default -> new Attempt(new Write("create: POST Observation", List.of(new Stored("Observation", SYSTEM, value)),
                    null), "POST", "Observation", observation(value, null));
        };
    }

    /** A Patient and an Observation about them, in one transaction. */
    private static Attempt transaction() {
        String patient = UUID.randomUUID().toString();
        String observation = UUID.randomUUID().toString();
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:%s","resource":%s,"request":{"method":"POST","url":"Patient"}},
                 {"resource":%s,"request":{"method":"POST","url":"Observation"}}]}
                """.formatted(patient, patient(patient, null), observation(observation, "urn:uuid:" + patient));
        return new Attempt(new Write("transaction", List.of(new Stored("Patient", SYSTEM, patient),
                new Stored("Observation", SYSTEM, observation)), null), "POST", "", bundle);
    }

    private static Attempt submission() {
        String claim = "CR-" + UUID.randomUUID();
        return new Attempt(new Write("Claim/$submit", List.of(new Stored("Claim", PasBundles.REQUEST_SYSTEM, claim)), claim),
                "POST", "Claim/$submit", InquiringPayer.request(claim));
    }

    private static String patient(String identifier, @Nullable String id) {
        return """
                {"resourceType":"Patient",%s"identifier":[{"system":"%s","value":"%s"}],
                 "name":[{"family":"Crashround","given":["Ada"]}],"gender":"female","birthDate":"1970-02-03"}
                """.formatted(id == null ? "" : "\"id\":\"" + id + "\",", SYSTEM, identifier);
    }

    private static String observation(String identifier, @Nullable String subject) {
        return """
                {"resourceType":"Observation","identifier":[{"system":"%s","value":"%s"}],"status":"final",
                 "code":{"text":"crash round write"}%s}
                """.formatted(SYSTEM, identifier, subject == null ? "" : ",\"subject\":{\"reference\":\"" + subject + "\"}");
    }

    private String[] settings() {
        List<String> settings = new ArrayList<>(payer.routing());
        settings.addAll(List.of(
                "--overturn.pas.outbox.poll-interval=100ms",
                "--overturn.pas.outbox.parallelism=2",
                "--overturn.pas.outbox.lease=15s",
                "--overturn.pas.outbox.initial-backoff=200ms"));
        return settings.toArray(String[]::new);
    }

    private int completedPaTasks() {
        try {
            return servers.count(InquiringPayer.PA_TASKS + "&status=completed");
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }

    private static long countKind(List<Write> writes, String kind) {
        synchronized (writes) {
            return writes.stream().filter(w -> w.kind().startsWith(kind)).count();
        }
    }
}
