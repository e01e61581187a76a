package org.overturn.subscriptions;

import org.overturn.workflow.AppealProfiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.overturn.it.EmbeddedServerTest;
import org.overturn.it.SubscriptionContract.Subscriber;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What several server instances sharing one database must not break: event numbers stay unique and gapless when many
 * transactions publish at once, and a due heartbeat is queued once however many instances look for it.
 */
class SubscriptionConcurrencyIT extends EmbeddedServerTest {

    @Autowired
    TopicEvents events;

    @Autowired
    ResourceStore store;

    @Autowired
    NotificationOutbox outbox;

    @Autowired
    TransactionTemplate tx;

    private JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource());
    }

    /** An active reminder-topic Subscription for {@code patient}, optionally with heartbeats. */
    private String subscription(String patient, String heartbeat) {
        String path = "/concurrency/" + unique();
        Subscriber.SERVER.stubFor(WireMock.post(WireMock.urlEqualTo(path)).willReturn(WireMock.aResponse().withStatus(200)));
        String id = create("Subscription", """
                {"resourceType": "Subscription", "status": "requested", "reason": "concurrency",
                 "criteria": "%s",
                 "_criteria": {"extension": [{"url": "%s", "valueString": "patient=Patient/%s"}]},
                 "channel": {"type": "rest-hook", "endpoint": "%s", "payload": "application/fhir+json", %s
                             "_payload": {"extension": [{"url": "%s", "valueCode": "id-only"}]}}}
                """.formatted(AppealProfiles.REMINDER_TOPIC, BackportProfiles.FILTER_CRITERIA, patient, Subscriber.url(path),
                heartbeat, BackportProfiles.PAYLOAD_CONTENT));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("Subscription/" + id).json().path("status").asText()).isEqualTo("active"));
        return id;
    }

    private static <T> List<T> together(int n, java.util.function.Supplier<T> work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        List<CompletableFuture<T>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            running.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return work.get();
            }));
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : running) {
            out.add(f.get());
        }
        return out;
    }

    @Test
    void publishWhenManyTransactionsAtOnceThenEventNumbersAreUniqueAndGapless() throws Exception {
        String patient = "numbered-" + unique();
        String id = subscription(patient, "");
        String communication = create("Communication", "{\"resourceType\":\"Communication\",\"status\":\"completed\","
                + "\"subject\":{\"reference\":\"Patient/" + patient + "\"}}");
        StoredResource focus = store.read("Communication", communication);

        together(4, () -> {
            for (int i = 0; i < 10; i++) {
                tx.executeWithoutResult(s -> events.publish(AppealProfiles.REMINDER_TOPIC, focus,
                        Map.of("patient", List.of("Patient/" + patient)), List.of()));
            }
            return true;
        });

        List<Long> numbers = jdbc().queryForList("select event_number from subscription_notification where subscription_id = ?"
                + " and kind = 'event-notification' order by id", Long.class, id);
        assertThat(numbers).containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(outbox.state(id).orElseThrow().eventsSinceStart()).isEqualTo(40);
    }

    @Test
    void heartbeatsWhenSeveralInstancesLookAtOnceThenEachDueHeartbeatIsQueuedOnce() throws Exception {
        String patient = "heartbeat-" + unique();
        String id = subscription(patient, "\"extension\": [{\"url\": \"" + BackportProfiles.HEARTBEAT_PERIOD
                + "\", \"valueUnsignedInt\": 3600}],");
        Instant now = Instant.now().plus(Duration.ofHours(2)); // past this subscription's next heartbeat
        int before = jdbc().queryForObject("select count(*) from subscription_notification where subscription_id = ?"
                + " and kind = 'heartbeat'", Integer.class, id);

        together(4, () -> tx.execute(s -> outbox.enqueueDueHeartbeats(now)));

        int after = jdbc().queryForObject("select count(*) from subscription_notification where subscription_id = ?"
                + " and kind = 'heartbeat'", Integer.class, id);
        assertThat(after - before).isEqualTo(1);
    }

    /** Finished notifications go after the retention (handshakes and heartbeats after a day); pending ones stay. */
    @Test
    void purgeWhenFinishedNotificationsAreOldThenOnlyThoseGo() {
        String id = subscription("purged-" + unique(), "");
        Instant now = Instant.now();
        JdbcTemplate jdbc = jdbc();
        // The pending row is due tomorrow, so the delivering instance leaves it alone during the test.
        String insert = "insert into subscription_notification (subscription_id, kind, event_number, topic, additional_context,"
                + " event_at, status, next_attempt_at, finished_at) values (?, ?, ?, ?, '[]', ?, ?, ?, ?)";
        java.util.function.BiFunction<Duration, Object[], Integer> row = (age, values) -> jdbc.update(insert, id, values[0],
                values[1], AppealProfiles.REMINDER_TOPIC, java.sql.Timestamp.from(now.minus(age)), values[2],
                java.sql.Timestamp.from(now.plus(Duration.ofDays(1))),
                values[3] == null ? null : java.sql.Timestamp.from(now.minus(age)));
        row.apply(Duration.ofDays(40), new Object[] {"event-notification", 9001L, "delivered", true});
        row.apply(Duration.ofDays(40), new Object[] {"event-notification", 9002L, "failed", true});
        row.apply(Duration.ofDays(10), new Object[] {"event-notification", 9003L, "delivered", true});
        row.apply(Duration.ofDays(2), new Object[] {"heartbeat", null, "delivered", true});
        row.apply(Duration.ofDays(40), new Object[] {"event-notification", 9004L, "pending", null});

        assertThat(outbox.purgeFinished(now, Duration.ofDays(30))).isGreaterThanOrEqualTo(3);

        List<Map<String, Object>> left = jdbc.queryForList(
                "select kind, event_number, status from subscription_notification where subscription_id = ? order by id", id);
        assertThat(left).extracting(r -> r.get("kind") + "/" + r.get("event_number") + "/" + r.get("status"))
                .as("the handshake (finished just now), the event 10 days old and the pending one stay")
                .containsExactly("handshake/null/delivered", "event-notification/9003/delivered", "event-notification/9004/pending");
    }
}
