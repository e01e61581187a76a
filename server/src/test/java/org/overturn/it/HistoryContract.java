package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * History Bundles as R4 asks (bdl-3, http.html#history): every entry of an instance, type or system history carries a
 * request (POST [type] for the create, PUT [type]/[id] for an update, DELETE [type]/[id] for a deletion) and a response
 * (status, ETag, lastModified), whether asked for alone or as an entry of a batch.
 */
public interface HistoryContract extends FhirHttp {

    /** One resource through every kind of version: created, updated, deleted and created again by PUT. */
    private String fourVersions() {
        String id = create("Patient", CrudContract.patient("Versions", unique()));
        assertThat(put("Patient/" + id, withId(CrudContract.patient("Updated", unique()), id)).status()).isEqualTo(200);
        assertThat(delete("Patient/" + id).status()).isEqualTo(200);
        assertThat(put("Patient/" + id, withId(CrudContract.patient("Back", unique()), id)).status()).isEqualTo(201);
        return id;
    }

    private static String withId(String patient, String id) {
        return patient.replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",");
    }

    /** Asserts the entry is version {@code version} of Patient/{@code id}, written by {@code method}. */
    private static void assertVersion(JsonNode entry, String id, int version, String method) {
        String what = entry.toString();
        assertThat(entry.path("fullUrl").asText()).as(what).endsWith("/Patient/" + id);
        assertThat(entry.path("request").path("method").asText()).as(what).isEqualTo(method);
        assertThat(entry.path("request").path("url").asText()).as(what)
                .isEqualTo(method.equals("POST") ? "Patient" : "Patient/" + id);
        assertThat(entry.path("response").path("status").asText()).as(what).isEqualTo(switch (method) {
            case "POST" -> "201 Created";
            case "DELETE" -> "204 No Content";
            default -> "200 OK";
        });
        assertThat(entry.path("response").path("etag").asText()).as(what).isEqualTo("W/\"" + version + "\"");
        assertThat(entry.path("response").path("lastModified").asText()).as(what).isNotBlank();
        assertThat(entry.has("resource")).as(what).isEqualTo(!method.equals("DELETE"));
    }

    /** Every entry of any history Bundle: a request and a response that agree with the version the entry is. */
    private static void assertEveryEntryDescribed(JsonNode bundle) {
        assertThat(bundle.path("type").asText()).isEqualTo("history");
        for (JsonNode entry : bundle.path("entry")) {
            String what = entry.toString();
            String method = entry.path("request").path("method").asText();
            String etag = entry.path("response").path("etag").asText();
            assertThat(method).as(what).isIn("POST", "PUT", "DELETE");
            assertThat(etag).as(what).matches("W/\"[0-9]+\"");
            assertThat(entry.path("response").path("lastModified").asText()).as(what).isNotBlank();
            assertThat(entry.path("request").path("url").asText()).as(what).doesNotContain("_history");
            if (!method.equals("DELETE")) {
                assertThat(etag).as(what).isEqualTo("W/\"" + entry.path("resource").path("meta").path("versionId").asText() + "\"");
                assertThat(method).as(what).isEqualTo(etag.equals("W/\"1\"") ? "POST" : "PUT");
            }
        }
    }

    private static List<JsonNode> entriesOf(JsonNode bundle, String id) {
        List<JsonNode> mine = new ArrayList<>();
        bundle.path("entry").forEach(e -> {
            if (e.path("fullUrl").asText().endsWith("/Patient/" + id)) {
                mine.add(e);
            }
        });
        return mine;
    }

    @Test
    default void historyWhenCreatedUpdatedDeletedAndCreatedAgainThenEveryEntryHasItsRequestAndResponse() {
        Instant start = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        String id = fourVersions();
        String clientId = "hist-" + unique();
        assertThat(put("Patient/" + clientId, withId(CrudContract.patient("ClientId", unique()), clientId)).status())
                .isEqualTo(201);

        JsonNode instance = get("Patient/" + id + "/_history").json();
        assertEveryEntryDescribed(instance);
        assertThat(instance.path("entry")).hasSize(4);
        // newest first: created again by PUT (an update of the version sequence), deleted, updated, created
        assertVersion(instance.path("entry").get(0), id, 4, "PUT");
        assertVersion(instance.path("entry").get(1), id, 3, "DELETE");
        assertVersion(instance.path("entry").get(2), id, 2, "PUT");
        assertVersion(instance.path("entry").get(3), id, 1, "POST");
        // created by PUT with the client's id: still the resource's create
        assertVersion(get("Patient/" + clientId + "/_history").json().path("entry").get(0), clientId, 1, "POST");

        for (String path : List.of("Patient/_history", "_history")) {
            JsonNode bundle = get(path + "?_since=" + start + "&_count=200").json();
            assertEveryEntryDescribed(bundle);
            List<JsonNode> mine = entriesOf(bundle, id);
            assertThat(mine).as(path).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(mine.get(i)).as(path).isEqualTo(instance.path("entry").get(i));
            }
        }
    }

    @Test
    default void historyWhenAskedInABatchThenTheSameBundleAsAlone() {
        Instant start = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        String id = fourVersions();
        String batch = """
                {"resourceType":"Bundle","type":"batch","entry":[
                 {"request":{"method":"GET","url":"Patient/%s/_history"}},
                 {"request":{"method":"GET","url":"Patient/_history?_since=%s&_count=200"}},
                 {"request":{"method":"GET","url":"_history?_since=%s&_count=200"}},
                 {"request":{"method":"GET","url":"Patient/%s/_history/2"}},
                 {"request":{"method":"GET","url":"Patient/%s/_history?_since=yesterday"}}]}
                """.formatted(id, start, start, id, id);
        Response r = post("", batch);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode entries = r.json().path("entry");
        JsonNode alone = get("Patient/" + id + "/_history").json();

        JsonNode instance = entries.get(0).path("resource");
        assertThat(entries.get(0).path("response").path("status").asText()).isEqualTo("200 OK");
        assertEveryEntryDescribed(instance);
        assertThat(instance.path("total").asInt()).isEqualTo(4);
        assertThat(instance.path("entry")).isEqualTo(alone.path("entry"));
        for (int i : new int[] {1, 2}) {
            JsonNode bundle = entries.get(i).path("resource");
            assertEveryEntryDescribed(bundle);
            List<JsonNode> mine = entriesOf(bundle, id);
            assertThat(mine).hasSize(4);
            for (int v = 0; v < 4; v++) {
                assertThat(mine.get(v)).isEqualTo(alone.path("entry").get(v));
            }
        }
        // a version read inside a batch reads that version, not the current one
        assertThat(entries.get(3).path("resource").path("meta").path("versionId").asText()).isEqualTo("2");
        assertThat(entries.get(3).path("resource").path("name").path(0).path("family").asText()).isEqualTo("Updated");
        assertThat(entries.get(4).path("response").path("status").asText()).startsWith("400");
        assertThat(entries.get(4).path("response").path("outcome").path("issue").path(0).path("diagnostics").asText())
                .contains("_since");
    }

    @Test
    default void historyWhenValidatedAgainstR4ThenBundleInvariantsHold() {
        String id = fourVersions();
        JsonNode history = get("Patient/" + id + "/_history").json();
        Response validated = post("Bundle/$validate", history.toString());
        assertThat(validated.status()).as(validated.body()).isEqualTo(200);
        List<String> errors = new ArrayList<>();
        for (JsonNode issue : validated.json().path("issue")) {
            if (issue.path("severity").asText().matches("error|fatal")) {
                errors.add(issue.path("expression").path(0).asText() + ": " + issue.path("diagnostics").asText());
            }
        }
        assertThat(errors).isEmpty();
    }
}
