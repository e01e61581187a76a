package org.overturn.workflow;

import org.overturn.cases.WorkflowSteps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.overturn.it.EmbeddedServerTest;
import org.overturn.it.SubscriptionContract.Subscriber;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deadline reminders over the real store: one per lead time, never twice, an urgent escalation when overdue, none
 * once the step is done, exactly one when two instances look at the same moment, and each one notified to the
 * reminder topic's Subscriptions that match its patient or recipient.
 */
class DeadlineRemindersIT extends EmbeddedServerTest {
    private static final Instant DEADLINE = Instant.parse("2030-01-15T23:59:59Z");

    @Autowired
    DeadlineReminders reminders;

    private String task(String patient, String status) {
        return "{\"resourceType\":\"Task\",\"status\":\"" + status + "\",\"intent\":\"order\","
                + "\"code\":{\"coding\":[{\"system\":\"" + WorkflowSteps.SYSTEM + "\",\"code\":\"internal-appeal\"}]},"
                + "\"description\":\"internal appeal filing\",\"for\":{\"reference\":\"Patient/" + patient + "\"},"
                + "\"owner\":{\"reference\":\"Practitioner/owner-" + patient + "\"},"
                + "\"requester\":{\"reference\":\"Practitioner/requester-" + patient + "\"},"
                + "\"restriction\":{\"period\":{\"end\":\"" + DEADLINE + "\"}}}";
    }

    private List<JsonNode> remindersOf(String patient) {
        List<JsonNode> out = new ArrayList<>();
        get("Communication?subject=Patient/" + patient + "&_count=100").json().path("entry").forEach(e -> out.add(e.path("resource")));
        return out;
    }

    @Test
    void remindersWhenTheDeadlineApproachesThenOnePerLeadTimeAndAnUrgentOneWhenOverdue() {
        String patient = "reminded-" + unique();
        String id = create("Task", task(patient, "requested"));

        reminders.sendDue(null, DEADLINE.minus(Duration.ofDays(20)));
        assertThat(remindersOf(patient)).isEmpty();

        // Each round reads only what fell due since the one before.
        reminders.sendDue(DEADLINE.minus(Duration.ofDays(20)), DEADLINE.minus(Duration.ofDays(13)));
        reminders.sendDue(DEADLINE.minus(Duration.ofDays(13)), DEADLINE.minus(Duration.ofDays(13)));
        reminders.sendDue(null, DEADLINE.minus(Duration.ofDays(13)));
        List<JsonNode> sent = remindersOf(patient);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("payload").get(0).path("contentString").asText())
                .startsWith("Internal appeal filing is due 2030-01-15T23:59:59Z (in 13 days)");
        assertThat(sent.get(0).path("recipient").get(0).path("reference").asText()).isEqualTo("Practitioner/owner-" + patient);

        reminders.sendDue(DEADLINE.minus(Duration.ofDays(13)), DEADLINE.minus(Duration.ofDays(2)));
        assertThat(remindersOf(patient)).hasSize(2);

        reminders.sendDue(DEADLINE.minus(Duration.ofDays(2)), DEADLINE.plus(Duration.ofHours(1)));
        List<JsonNode> all = remindersOf(patient);
        assertThat(all).hasSize(3);
        JsonNode overdue = all.stream().filter(c -> c.path("priority").asText().equals("urgent")).findFirst().orElseThrow();
        assertThat(overdue.path("payload").get(0).path("contentString").asText()).contains("overdue");
        assertThat(overdue.path("recipient").toString()).contains("Practitioner/requester-" + patient);

        JsonNode done = get("Task/" + id).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) done).put("status", "completed");
        assertThat(put("Task/" + id, done.toString()).status()).isEqualTo(200);
        reminders.sendDue(null, DEADLINE.plus(Duration.ofDays(30)));
        assertThat(remindersOf(patient)).as("a finished step is not chased").hasSize(3);
    }

    /**
     * The scheduled rounds keep a cursor: a Task written with its deadline already passed (a late case) is found by
     * the next round through its write time, and a round that finds nothing new sends nothing.
     */
    @Test
    void roundsWhenATaskIsWrittenAlreadyOverdueThenTheNextRoundSendsItsNoticeOnce() {
        Instant start = Instant.now();
        assertThat(reminders.sendDueSinceLastRound(start)).isGreaterThanOrEqualTo(0);
        String patient = "late-" + unique();
        create("Task", task(patient, "requested").replace(DEADLINE.toString(), start.minus(Duration.ofDays(1)).toString()));
        Instant next = Instant.now().plusSeconds(1);
        reminders.sendDueSinceLastRound(next);
        List<JsonNode> sent = remindersOf(patient);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("priority").asText()).isEqualTo("urgent");
        reminders.sendDueSinceLastRound(next.plusSeconds(60));
        assertThat(remindersOf(patient)).hasSize(1);
    }

    /** A reminder-topic Subscription with one filter, full-resource, to {@code path} on the test subscriber. */
    private String subscribe(String path, String filter) {
        Subscriber.SERVER.stubFor(WireMock.post(WireMock.urlEqualTo(path)).willReturn(WireMock.aResponse().withStatus(200)));
        String body = "{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"reminders\","
                + "\"criteria\":\"" + AppealProfiles.REMINDER_TOPIC + "\",\"_criteria\":{\"extension\":[{\"url\":"
                + "\"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria\","
                + "\"valueString\":\"" + filter + "\"}]},\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\""
                + Subscriber.url(path) + "\",\"payload\":\"application/fhir+json\",\"_payload\":{\"extension\":[{\"url\":"
                + "\"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content\","
                + "\"valueCode\":\"full-resource\"}]}}}";
        String id = create("Subscription", body);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("Subscription/" + id).json().path("status").asText()).isEqualTo("active"));
        return id;
    }

    private String eventsSinceStart(String subscription) {
        for (JsonNode p : get("Subscription/" + subscription + "/$status").json().path("entry").get(0).path("resource").path("parameter")) {
            if (p.path("name").asText().equals("events-since-subscription-start")) {
                return p.path("valueString").asText();
            }
        }
        return null;
    }

    @Test
    void remindersWhenSubscribedByPatientOrRecipientThenEachReminderIsNotifiedToTheMatchingSubscriptions() throws Exception {
        String patient = "subscribed-" + unique();
        String taskId = create("Task", task(patient, "requested"));
        String path = "/reminders/" + unique();
        String byPatient = subscribe(path, "patient=Patient/" + patient);
        String byRequester = subscribe(path + "-requester", "Communication?recipient=Practitioner/requester-" + patient);

        reminders.sendDue(null, DEADLINE.minus(Duration.ofDays(2)));
        reminders.sendDue(DEADLINE.minus(Duration.ofDays(2)), DEADLINE.plus(Duration.ofHours(1)));
        // Queued with each Communication: the patient's subscriber has both, the requester only the escalation.
        assertThat(eventsSinceStart(byPatient)).isEqualTo("2");
        assertThat(eventsSinceStart(byRequester)).isEqualTo("1");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Subscriber.SERVER.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(path + "-requester")))).hasSize(2));
        String body = Subscriber.SERVER.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(path + "-requester"))).get(1).getBodyAsString();
        JsonNode notification = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        JsonNode communication = notification.path("entry").get(1).path("resource");
        assertThat(communication.path("resourceType").asText()).isEqualTo("Communication");
        assertThat(communication.path("priority").asText()).isEqualTo("urgent");
        assertThat(notification.path("entry").get(0).path("resource").toString())
                .contains("\"additional-context\"").contains("/Task/" + taskId);
        // Full-resource: the Task named as additional context is an entry of its own, with its content.
        List<JsonNode> tasks = new ArrayList<>();
        notification.path("entry").forEach(e -> {
            if (e.path("fullUrl").asText().endsWith("/Task/" + taskId)) {
                tasks.add(e);
            }
        });
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).path("resource").path("id").asText()).isEqualTo(taskId);
        assertThat(tasks.get(0).path("request").path("method").asText()).isEqualTo("GET");

        // The Task as it stood at the reminder, even when the notification is read after the Task changed.
        String edited = task(patient, "in-progress").replace("{\"resourceType\":\"Task\",", "{\"resourceType\":\"Task\",\"id\":\"" + taskId + "\",");
        assertThat(put("Task/" + taskId, edited).status()).isEqualTo(200);
        JsonNode replay = get("Subscription/" + byPatient + "/$events?eventsSinceNumber=1&content=full-resource").json();
        List<JsonNode> asOfEvent = new ArrayList<>();
        replay.path("entry").forEach(e -> {
            if (e.path("fullUrl").asText().endsWith("/Task/" + taskId)) {
                asOfEvent.add(e);
            }
        });
        assertThat(asOfEvent).hasSize(2);
        for (JsonNode entry : asOfEvent) {
            assertThat(entry.path("resource").path("status").asText()).isEqualTo("requested");
            assertThat(entry.path("resource").path("meta").path("versionId").asText()).isEqualTo("1");
            assertThat(entry.path("request").path("url").asText()).isEqualTo("Task/" + taskId + "/_history/1");
        }
        assertThat(get("Task/" + taskId).json().path("status").asText()).isEqualTo("in-progress");
    }

    @Test
    void remindersWhenTwoInstancesLookAtTheSameMomentThenEachIsSentOnce() throws Exception {
        String patient = "raced-" + unique();
        create("Task", task(patient, "in-progress"));
        Instant now = DEADLINE.minus(Duration.ofHours(12));
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Integer>> instances = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            instances.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return reminders.sendDue(null, now);
            }));
        }
        for (CompletableFuture<Integer> f : instances) {
            f.get();
        }
        assertThat(remindersOf(patient)).hasSize(1);
    }
}
