package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.overturn.it.FhirHttp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An update made as one statement whose row lock waits for another writer of the same resource: the statement began
 * before that writer committed, so what it read of the index is out of date once it has the lock. It must not keep
 * that reading: the update is made again under the row lock, and the index ends up holding the last version alone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpdateRaceIT implements FhirHttp {
    private static final String SYSTEM = "http://overturn.example.org/test-code";

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("resourceStore")
    ResourceStore store;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws java.io.IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-update-race-it-")::toString);
        registry.add("overturn.workflow.reminders-enabled", () -> "false");
        registry.add("logging.level.org.overturn.access", () -> "WARN");
    }

    @Override
    public String base() {
        return "http://localhost:" + port + "/fhir";
    }

    @Test
    void updateWhenAnotherWriterCommitsWhileItWaitsForTheRowThenVersionAfterTheirsAndOnlyItsCodeIndexed() throws Exception {
        String run = unique();
        String id = store.create(observation(null, "first-" + run), null).stored().id();

        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The other writer: updates inside a transaction of its own and holds the row until released.
        CompletableFuture<WriteResult> other = CompletableFuture.supplyAsync(() -> store.inTransaction(() -> {
            WriteResult result = store.update("Observation", id, observation(id, "other-" + run), null);
            written.countDown();
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return result;
        }));
        assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
        long waitingBefore = waitingForLocks();
        CompletableFuture<WriteResult> mine = CompletableFuture.supplyAsync(
                () -> store.update("Observation", id, observation(id, "mine-" + run), null));
        // Released only once this update's statement waits for the row lock, its snapshot taken before the commit.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (waitingForLocks() == waitingBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(waitingForLocks()).as("the update waits for the other writer's row lock").isGreaterThan(waitingBefore);
        release.countDown();

        assertThat(other.get(30, TimeUnit.SECONDS).stored().version()).isEqualTo(2);
        WriteResult result = mine.get(30, TimeUnit.SECONDS);
        assertThat(result.stored().version()).isEqualTo(3);
        assertThat(result.kind()).isEqualTo(WriteResult.Kind.UPDATED);

        Response current = get("Observation/" + id);
        assertThat(current.json().path("meta").path("versionId").asText()).isEqualTo("3");
        assertThat(current.raw().headers().firstValue("ETag")).contains("W/\"3\"");
        assertThat(get("Observation/" + id + "/_history/2").json().path("code").path("coding").path(0).path("code").asText())
                .isEqualTo("other-" + run);
        assertThat(count("first-" + run)).as("the first version's code").isZero();
        assertThat(count("other-" + run)).as("the other writer's code, which the update's snapshot did not hold").isZero();
        assertThat(count("mine-" + run)).as("the last version's code").isEqualTo(1);
    }

    @Test
    void updateWhenNoOtherWriterThenStoredJsonNamesTheVersionItWasWrittenAs() {
        String run = unique();
        String id = store.create(observation(null, "a-" + run), null).stored().id();
        for (int i = 0; i < 3; i++) {
            store.update("Observation", id, observation(id, "b" + i + "-" + run), null);
        }
        // straight from the table: the statement numbered each version and wrote that number into the JSON
        for (long version = 1; version <= 4; version++) {
            String json = jdbc.queryForObject("select content from resource_version where res_type = 'Observation'"
                    + " and res_id = ? and version = ?", String.class, id, version);
            assertThat(json).as("version %d", version).contains("\"meta\":{\"versionId\":\"" + version + "\"");
        }
        assertThat(jdbc.queryForObject("select content from resource where res_type = 'Observation' and res_id = ?",
                String.class, id)).contains("\"versionId\":\"4\"").contains("b2-" + run);
        assertThat(count("b2-" + run)).isEqualTo(1);
        assertThat(count("b1-" + run)).isZero();
    }

    private long waitingForLocks() {
        Long n = jdbc.queryForObject("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                + " and datname = current_database()", Long.class);
        return n == null ? 0 : n;
    }

    private int count(String code) {
        return get("Observation?code=" + SYSTEM + "|" + code + "&_total=accurate").json().path("total").asInt();
    }

    private static Observation observation(String id, String code) {
        Observation o = new Observation();
        if (id != null) {
            o.setId(id);
        }
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(SYSTEM, code, null)));
        return o;
    }
}
