package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Writes cannot destroy or duplicate data by accident: a condition must hold a real criterion, conditional creates
 * serialise on what the condition means (not how it is spelled), deletes obey the write rules, and a transaction's
 * DELETE honours If-Match.
 */
public interface WriteIntegrityContract extends FhirHttp {

    private String observation(String code) {
        return """
                {"resourceType":"Observation","status":"final",
                 "code":{"coding":[{"system":"http://overturn.example.org/test-code","code":"%s"}]},
                 "valueString":"kept"}
                """.formatted(code);
    }

    /** Two Observations that a condition without criteria would take with it. */
    private List<String> twoObservations() {
        String code = "keep-" + unique();
        return List.of(create("Observation", observation(code)), create("Observation", observation(code)));
    }

    private void assertStillThere(List<String> ids) {
        for (String id : ids) {
            assertThat(get("Observation/" + id).status()).as("Observation/%s survives", id).isEqualTo(200);
        }
    }

    @Test
    default void conditionalDeleteWhenOnlyResultParametersThen400AndNothingDeleted() {
        List<String> ids = twoObservations();
        for (String condition : List.of("_summary=true", "_format=json", "_count=5", "_pretty=true&_elements=id",
                "code=", "code:missing=")) {
            Response r = delete("Observation?" + condition);
            assertThat(r.assertOutcome(400)).as(condition).isEqualTo("OVT-400-REQUEST");
            assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).as(condition)
                    .contains("no search criterion");
        }
        assertStillThere(ids);
    }

    @Test
    default void conditionalDeleteWhenLenientDropsEveryParameterThen400AndNothingDeleted() {
        List<String> ids = twoObservations();
        Response r = delete("Observation?not-a-parameter=1", "Prefer", "handling=lenient");
        // Conditions are parsed strictly (an unknown parameter is named), and never fall back to "match all".
        assertThat(r.assertOutcome(400)).isIn("OVT-400-REQUEST", "OVT-400-SEARCH");
        assertStillThere(ids);
    }

    @Test
    default void conditionalUpdateAndCreateWhenNoCriterionThen400AndNothingWritten() {
        String code = "cond-" + unique();
        Response update = put("Observation?_summary=true", observation(code));
        assertThat(update.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        Response create = post("Observation", observation(code), "If-None-Exist", "_count=1");
        assertThat(create.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(get("Observation?code=http://overturn.example.org/test-code|" + code).json().path("total").asInt())
                .as("nothing stored").isZero();
    }

    @Test
    default void transactionConditionalDeleteWhenOnlyResultParametersThen400AndNothingDeleted() {
        List<String> ids = twoObservations();
        String tx = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"request":{"method":"DELETE","url":"Observation?_summary=true"}}]}""";
        assertThat(post("", tx).assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertStillThere(ids);
    }

    @Test
    default void transactionDeleteWhenIfMatchIsStaleThen412AndNothingDeleted() {
        String id = create("Observation", observation("ifmatch-" + unique()));
        put("Observation/" + id, observation("ifmatch-" + unique()).replace("{\"resourceType\":\"Observation\",",
                "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\","));
        String tx = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"request":{"method":"DELETE","url":"Observation/%s","ifMatch":"W/\\"1\\""}}]}""".formatted(id);
        assertThat(post("", tx).assertOutcome(412)).isEqualTo("OVT-412-VERSION");
        assertThat(get("Observation/" + id).status()).isEqualTo(200);

        String current = tx.replace("W/\\\"1\\\"", "W/\\\"2\\\"");
        assertThat(post("", current).status()).isEqualTo(200);
        assertThat(get("Observation/" + id).status()).isEqualTo(410);
    }

    @Test
    default void deleteWhenWorkflowTaskThen409AndItStays() {
        String body = "{\"resourceType\":\"Task\",\"status\":\"in-progress\",\"intent\":\"order\","
                + "\"code\":{\"coding\":[{\"system\":\"http://overturn.example.org/fhir/CodeSystem/workflow-step\","
                + "\"code\":\"internal-appeal\"}]}}";
        String id = create("Task", body);
        Response r = delete("Task/" + id);
        assertThat(r.assertOutcome(409)).isEqualTo("OVT-409-TRANSITION");
        assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).contains("entered-in-error");
        assertThat(get("Task/" + id).json().path("status").asText()).isEqualTo("in-progress");

        String tx = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"request":{"method":"DELETE","url":"Task/%s"}}]}""".formatted(id);
        assertThat(post("", tx).assertOutcome(409)).isEqualTo("OVT-409-TRANSITION");
        assertThat(get("Task/" + id).status()).isEqualTo(200);
    }

    @Test
    default void deletedPlainTaskWhenPutBackAsWorkflowStepThen409() {
        String body = "{\"resourceType\":\"Task\",\"status\":\"completed\",\"intent\":\"order\"}";
        String id = create("Task", body);
        assertThat(delete("Task/" + id).status()).isIn(200, 204);
        ObjectNode revived = (ObjectNode) CdsHooksContract.tree(body);
        revived.put("id", id).put("status", "in-progress");
        revived.putObject("code").putArray("coding").addObject()
                .put("system", "http://overturn.example.org/fhir/CodeSystem/workflow-step").put("code", "internal-appeal");
        assertThat(put("Task/" + id, revived.toString()).assertOutcome(409)).isEqualTo("OVT-409-TRANSITION");
    }

    @Test
    default void conditionalCreateWhenConcurrentOnRestWithPlainAndEncodedBarThenOnePatient() throws Exception {
        for (int round = 0; round < 8; round++) {
            String mrn = "cc-" + unique();
            String body = CrudContract.patient("Concurrent", mrn);
            List<Integer> statuses = concurrently(
                    () -> post("Patient", body, "If-None-Exist", "identifier=http://overturn.example.org/mrn|" + mrn).status(),
                    () -> post("Patient", body, "If-None-Exist", "identifier=http%3A%2F%2Foverturn.example.org%2Fmrn%7C" + mrn).status());
            assertThat(statuses).allMatch(s -> s == 200 || s == 201);
            assertThat(countPatients(mrn)).as("round %d: one Patient for %s", round, mrn).isEqualTo(1);
        }
    }

    @Test
    default void conditionalCreateWhenConcurrentInTransactionsThenOnePatient() throws Exception {
        for (int round = 0; round < 8; round++) {
            String mrn = "ct-" + unique();
            String tx = """
                    {"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:%s","resource":%s,
                      "request":{"method":"POST","url":"Patient","ifNoneExist":"%s"}}]}""";
            String plain = tx.formatted(java.util.UUID.randomUUID(), CrudContract.patient("Concurrent", mrn),
                    "identifier=http://overturn.example.org/mrn|" + mrn);
            String encoded = tx.formatted(java.util.UUID.randomUUID(), CrudContract.patient("Concurrent", mrn),
                    "identifier=http://overturn.example.org/mrn%7C" + mrn);
            List<Integer> statuses = concurrently(() -> post("", plain).status(), () -> post("", encoded).status());
            assertThat(statuses).as("round %d", round).containsOnly(200);
            assertThat(countPatients(mrn)).as("round %d: one Patient for %s", round, mrn).isEqualTo(1);
        }
    }

    @Test
    default void updateWhenEightWritersPutOneObservationAtOnceThenEveryVersionKeptAndOnlyTheLastCodeFound() throws Exception {
        String system = "http://overturn.example.org/test-code";
        String id = create("Observation", observation("w-start-" + unique()));
        String run = unique();
        int writers = 8;
        int each = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<String> answers = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        String code = "w" + writer + "-" + i + "-" + run;
                        Response r = put("Observation/" + id, observation(code).replaceFirst("\\{", "{\"id\":\"" + id + "\","));
                        // each answer is the version it wrote: its body's versionId is its ETag's
                        assertThat(r.status()).as(r.body()).isEqualTo(200);
                        assertThat(r.raw().headers().firstValue("ETag")).as(code)
                                .contains("W/\"" + r.json().path("meta").path("versionId").asText() + "\"");
                        assertThat(r.json().path("code").path("coding").path(0).path("code").asText()).isEqualTo(code);
                        answers.add(r.json().path("meta").path("versionId").asText());
                    }
                    return answers;
                }));
            }
            start.countDown();
            java.util.Set<String> versions = new java.util.HashSet<>();
            for (Future<List<String>> f : futures) {
                versions.addAll(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(versions).as("every update a version of its own").hasSize(writers * each);
        } finally {
            pool.shutdownNow();
        }
        JsonNode current = get("Observation/" + id).json();
        assertThat(current.path("meta").path("versionId").asText()).isEqualTo(Integer.toString(1 + writers * each));
        String last = current.path("code").path("coding").path(0).path("code").asText();
        JsonNode history = get("Observation/" + id + "/_history?_count=100").json();
        List<Integer> kept = new ArrayList<>();
        for (JsonNode entry : history.path("entry")) {
            kept.add(entry.path("resource").path("meta").path("versionId").asInt());
        }
        assertThat(kept).as("versions 1 to %d, each once", 1 + writers * each)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 1 + writers * each).boxed().toList());
        // the index holds the last version's code alone: no writer left the code of a version it did not see
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < each; i++) {
                String code = "w" + w + "-" + i + "-" + run;
                int expected = code.equals(last) ? 1 : 0;
                assertThat(get("Observation?code=" + system + "|" + code + "&_total=accurate").json().path("total").asInt())
                        .as("Observation?code=%s (the last version's code is %s)", code, last).isEqualTo(expected);
            }
        }
    }

    private int countPatients(String mrn) {
        return get("Patient?identifier=http://overturn.example.org/mrn|" + mrn + "&_total=accurate")
                .json().path("total").asInt();
    }

    /** Runs both calls at the same moment and returns their results. */
    private static List<Integer> concurrently(Callable<Integer> a, Callable<Integer> b) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (Callable<Integer> call : List.of(a, b)) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> f : futures) {
                results.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
