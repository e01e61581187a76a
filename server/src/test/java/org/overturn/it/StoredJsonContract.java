package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;

/**
 * Plain JSON reads and searches are answered from the stored JSON, and so are the entries of PAS response Bundles and
 * the CapabilityStatement (encoded once); a parameter such as {@code _format} sends them through HAPI. Both must give
 * the same answer: status, body (but for a Bundle's own id and time), headers. Unknown, deleted, XML and conditional
 * reads, and refused searches, are HAPI's.
 */
public interface StoredJsonContract extends PasHttp {

    @Test
    default void readWhenPlainJsonThenTheSameAnswerAsHapisRead() throws Exception {
        String id = create("Patient", """
                {"resourceType":"Patient","name":[{"family":"Lecture","given":["Zoë"]}],"birthDate":"1961-04-02",
                 "identifier":[{"system":"http://overturn.example.org/mrn","value":"%s"}]}
                """.formatted(unique()));
        assertThat(put("Patient/" + id, get("Patient/" + id).body().replace("Lecture", "Lektüre")).status()).isEqualTo(200);
        ObjectMapper json = new ObjectMapper();
        for (String accept : new String[] {null, "application/fhir+json", "*/*", "application/json"}) {
            Response plain = accept == null ? get("Patient/" + id) : get("Patient/" + id, "Accept", accept);
            Response hapi = accept == null ? get("Patient/" + id + "?_format=json") : get("Patient/" + id + "?_format=json", "Accept", accept);
            assertThat(plain.status()).as(accept).isEqualTo(200);
            assertThat(json.readTree(plain.body())).as(accept).isEqualTo(json.readTree(hapi.body()));
            assertThat(plain.body()).contains("Lektüre");
            assertThat(plain.header("ETag")).isEqualTo("W/\"2\"").isEqualTo(hapi.header("ETag"));
            assertThat(plain.header("Last-Modified")).isNotNull().isEqualTo(hapi.header("Last-Modified"));
            assertThat(plain.header("Content-Type").toLowerCase()).isEqualTo(hapi.header("Content-Type").toLowerCase());
        }

        Response xml = get("Patient/" + id, "Accept", "application/fhir+xml");
        assertThat(xml.header("Content-Type")).contains("xml");
        assertThat(xml.body()).startsWith("<Patient");
        assertThat(get("Patient/" + id, "If-None-Match", "W/\"2\"").status()).isEqualTo(304);
        assertThat(get("Patient/" + id + "/_history/1").body()).contains("Lecture");

        assertThat(delete("Patient/" + id).status()).isIn(200, 204);
        Response gone = get("Patient/" + id);
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.body()).contains("OperationOutcome");
        Response unknown = get("Patient/never-" + unique());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("OperationOutcome");
    }

    @Test
    default void metadataWhenPlainJsonThenTheSameAnswerAsHapisEncoding() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String accept : new String[] {null, "application/fhir+json", "*/*", "application/json"}) {
            Response plain = accept == null ? get("metadata") : get("metadata", "Accept", accept);
            Response hapi = accept == null ? get("metadata?_format=json") : get("metadata?_format=json", "Accept", accept);
            assertThat(plain.status()).as(accept).isEqualTo(200);
            assertThat(hapi.status()).as(accept).isEqualTo(200);
            // HAPI generates the statement anew each minute, with a new id and date; the rest is the same.
            ObjectNode mine = (ObjectNode) json.readTree(plain.body());
            ObjectNode theirs = (ObjectNode) json.readTree(hapi.body());
            assertThat(plain.header("Content-Location")).as(accept)
                    .isEqualTo(base() + "/CapabilityStatement/" + mine.path("id").asText());
            assertThat(hapi.header("Content-Location")).as(accept)
                    .isEqualTo(base() + "/CapabilityStatement/" + theirs.path("id").asText());
            mine.remove(java.util.List.of("id", "date"));
            theirs.remove(java.util.List.of("id", "date"));
            assertThat(mine).as(accept).isEqualTo(theirs);
            assertThat(mine.path("rest").path(0).path("resource").size()).isGreaterThan(10);
            // the JSON encoded once is sent whole, with its length (HAPI's own answer is chunked)
            assertThat(plain.header("Content-Length")).as(accept)
                    .isEqualTo(Integer.toString(plain.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
            assertThat(plain.header("Content-Type").toLowerCase()).isEqualTo(hapi.header("Content-Type").toLowerCase());
        }
        Response xml = get("metadata", "Accept", "application/fhir+xml");
        assertThat(xml.header("Content-Type")).contains("xml");
        assertThat(xml.body()).startsWith("<CapabilityStatement");
    }

    @Test
    default void vreadWhenPlainJsonThenTheSameAnswerAsHapisVread() throws Exception {
        String id = create("Patient", """
                {"resourceType":"Patient","name":[{"family":"Fassung","given":["Åsa"]}],"birthDate":"1958-09-30"}
                """);
        assertThat(put("Patient/" + id, get("Patient/" + id).body().replace("Fassung", "Neufassung")).status()).isEqualTo(200);
        ObjectMapper json = new ObjectMapper();
        for (int version = 1; version <= 2; version++) {
            String path = "Patient/" + id + "/_history/" + version;
            Response plain = get(path);
            Response hapi = get(path + "?_format=json");
            assertThat(plain.status()).isEqualTo(200);
            assertThat(json.readTree(plain.body())).isEqualTo(json.readTree(hapi.body()));
            assertThat(json.readTree(plain.body()).path("meta").path("versionId").asText()).isEqualTo(Integer.toString(version));
            assertThat(plain.body()).contains(version == 1 ? "\"Fassung\"" : "Neufassung");
            assertThat(plain.header("ETag")).isEqualTo("W/\"" + version + "\"").isEqualTo(hapi.header("ETag"));
            assertThat(plain.header("Last-Modified")).isNotNull().isEqualTo(hapi.header("Last-Modified"));
            assertThat(plain.header("Content-Type").toLowerCase()).isEqualTo(hapi.header("Content-Type").toLowerCase());
        }
        assertThat(get("Patient/" + id + "/_history/9").status()).isEqualTo(404);
        assertThat(get("Patient/" + id + "/_history/x1").status()).isIn(400, 404);

        assertThat(delete("Patient/" + id).status()).isIn(200, 204);
        Response deletion = get("Patient/" + id + "/_history/3");
        assertThat(deletion.status()).isEqualTo(410);
        assertThat(deletion.body()).contains("OperationOutcome");
        assertThat(get("Patient/" + id + "/_history/2").body()).contains("Neufassung");
    }

    @Test
    default void createAndUpdateWhenPlainJsonThenTheSameAnswerAsHapisEncoding() throws Exception {
        String u = unique();
        String patient = create("Patient", """
                {"resourceType":"Patient","name":[{"family":"Antwort%s"}]}
                """.formatted(u));
        // Elements HAPI encodes in its own ways: a versioned reference, a contained resource, extensions, decimals.
        String observation = """
                {"resourceType":"Observation","status":"final","contained":[{"resourceType":"Specimen","id":"s1",
                 "type":{"text":"Gewebe"}}],"extension":[{"url":"http://overturn.example.org/fhir/StructureDefinition/x",
                 "valueString":"Zoë"}],"code":{"coding":[{"system":"http://loinc.org","code":"76042-8"}],"text":"ALK"},
                 "subject":{"reference":"Patient/%s/_history/1"},"specimen":{"reference":"#s1"},
                 "effectiveDateTime":"2026-11-02T10:15:00+01:00","valueQuantity":{"value":12.50,"unit":"%%"}}
                """.formatted(patient);
        ObjectMapper json = new ObjectMapper();
        Response plain = post("Observation", observation);
        Response hapi = post("Observation?_format=json", observation);
        assertThat(plain.status()).isEqualTo(201).isEqualTo(hapi.status());
        assertSameWrite(json, plain, hapi, true);

        String id = plain.json().path("id").asText();
        String changed = plain.body().replace("\"final\"", "\"amended\"");
        Response plainUpdate = put("Observation/" + id, changed);
        Response hapiUpdate = put("Observation/" + id + "?_format=json", plainUpdate.body());
        assertThat(plainUpdate.status()).isEqualTo(200).isEqualTo(hapiUpdate.status());
        assertThat(plainUpdate.header("ETag")).isEqualTo("W/\"2\"");
        assertThat(hapiUpdate.header("ETag")).isEqualTo("W/\"3\"");
        assertSameWrite(json, plainUpdate, hapiUpdate, false);

        // An update that creates (a client's id): 201 from both, and neither gives a Location.
        Response plainNew = put("Patient/new-" + u, "{\"resourceType\":\"Patient\",\"id\":\"new-" + u + "\"}");
        Response hapiNew = put("Patient/new2-" + u + "?_format=json", "{\"resourceType\":\"Patient\",\"id\":\"new2-" + u + "\"}");
        assertThat(plainNew.status()).isEqualTo(201).isEqualTo(hapiNew.status());
        assertSameWrite(json, plainNew, hapiNew, false);

        // What the answer says is what HAPI encodes of the stored version, and minimal answers stay minimal.
        assertThat(json.readTree(plainUpdate.body())).isEqualTo(json.readTree(get("Observation/" + id + "/_history/2?_format=json").body()));
        assertThat(json.readTree(hapiUpdate.body())).isEqualTo(json.readTree(get("Observation/" + id + "?_format=json").body()));
        Response minimal = post("Observation", observation, "Prefer", "return=minimal");
        assertThat(minimal.status()).isEqualTo(201);
        assertThat(minimal.body()).isEmpty();
        assertThat(minimal.header("Location")).contains("/Observation/");
    }

    /** Same status, headers and body, but for each answer's own id, version and time. */
    private void assertSameWrite(ObjectMapper json, Response plain, Response hapi, boolean created) throws Exception {
        JsonNode a = json.readTree(plain.body());
        JsonNode b = json.readTree(hapi.body());
        for (Response r : new Response[] {plain, hapi}) {
            JsonNode body = json.readTree(r.body());
            String self = base() + "/" + body.path("resourceType").asText() + "/" + body.path("id").asText()
                    + "/_history/" + body.path("meta").path("versionId").asText();
            assertThat(r.header("ETag")).isEqualTo("W/\"" + body.path("meta").path("versionId").asText() + "\"");
            assertThat(r.header("Content-Location")).isEqualTo(self);
            assertThat(r.header("Location")).isEqualTo(created ? self : null);
            java.time.Instant lastModified = java.time.ZonedDateTime.parse(r.header("Last-Modified"),
                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertThat(lastModified).isEqualTo(java.time.OffsetDateTime.parse(body.path("meta").path("lastUpdated").asText())
                    .toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        assertThat(plain.header("Content-Type").toLowerCase()).isEqualTo(hapi.header("Content-Type").toLowerCase());
        ObjectNode left = (ObjectNode) a.deepCopy();
        ObjectNode right = (ObjectNode) b.deepCopy();
        for (ObjectNode n : new ObjectNode[] {left, right}) {
            n.remove("id");
            ((ObjectNode) n.path("meta")).remove("lastUpdated");
            ((ObjectNode) n.path("meta")).remove("versionId");
        }
        assertThat(left).isEqualTo(right);
    }

    /** The Bundle as compared: its own id and time left out, and the marker that sent the request to HAPI. */
    private static com.fasterxml.jackson.databind.JsonNode comparable(Response r, String marker) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode bundle = (com.fasterxml.jackson.databind.node.ObjectNode)
                new ObjectMapper().readTree(r.body().replace("&" + marker, "").replace(marker + "&", ""));
        assertThat(bundle.path("id").asText()).isNotEmpty();
        assertThat(bundle.path("meta").path("lastUpdated").asText()).isNotEmpty();
        bundle.remove("id");
        bundle.remove("meta");
        return bundle;
    }

    @Test
    default void searchWhenPlainJsonThenTheSameBundleAsHapisSearch() throws Exception {
        String u = unique();
        for (int i = 0; i < 3; i++) {
            create("Patient", """
                    {"resourceType":"Patient","name":[{"family":"Sammlung%s","given":["Nr%d"]}],"birthDate":"1970-01-0%d"}
                    """.formatted(u, i, i + 1));
        }
        String marker = "_format=json";
        for (String query : new String[] {
                "Patient?family=Sammlung" + u,
                "Patient?family=Sammlung" + u + "&_count=2&_sort=birthdate",
                "Patient?family=Sammlung" + u + "&_count=2&_offset=2&_sort=-birthdate",
                "Patient?family=Sammlung" + u + "&_count=1&_total=accurate",
                "Patient?family=Nobody" + u,
                "Patient?family=Sammlung" + u + "&birthdate=ge1970-01-02&_count=5"}) {
            Response plain = get(query);
            Response hapi = get(query + "&" + marker);
            assertThat(plain.status()).as(query).isEqualTo(200);
            assertThat(comparable(plain, marker)).as(query).isEqualTo(comparable(hapi, marker));
            assertThat(plain.header("Content-Type").toLowerCase()).isEqualTo(hapi.header("Content-Type").toLowerCase());
        }
        assertThat(new ObjectMapper().readTree(get("Patient?family=Sammlung" + u + "&_count=2").body()).path("_total").toString())
                .as("more pages, no count asked: total marked unknown").contains("data-absent-reason");

        Response unknown = get("Patient?nonsense=1");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("OperationOutcome").contains("nonsense");
        assertThat(get("Patient?nonsense=1&family=Sammlung" + u, "Prefer", "handling=lenient").status()).isEqualTo(200);
        Response badDate = get("Patient?birthdate=notadate");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.body()).contains("OperationOutcome");
    }

    /** A PAS answer without its time, which differs between two answers. */
    /** The Bundle without what is new in each one built: its timestamp and its identifier. */
    private static JsonNode withoutTimestamp(Response r) throws Exception {
        ObjectNode bundle = (ObjectNode) new ObjectMapper().readTree(r.body());
        assertThat(bundle.path("timestamp").asText()).isNotEmpty();
        assertThat(bundle.path("identifier").path("value").asText()).isNotEmpty();
        bundle.remove("timestamp");
        bundle.remove("identifier");
        return bundle;
    }

    @Test
    default void pasSubmitWhenPlainJsonThenTheSameBundleAsHapiEncodes() throws Exception {
        Bundle request = pasRequest(Scenarios.ALECTINIB_CA, null);
        String body = PasBundles.json(request);
        Response first = post("Claim/$submit", body);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("entry").size()).as("the ClaimResponse and what it references").isGreaterThan(5);
        // A resubmission is answered with what was stored for the first: in JSON from the store, and through HAPI.
        Response again = post("Claim/$submit", body);
        Response hapi = post("Claim/$submit?_format=json", body);
        Response pretty = post("Claim/$submit?_pretty=true", body);
        for (Response r : new Response[] {again, hapi, pretty}) {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(withoutTimestamp(r)).isEqualTo(withoutTimestamp(first));
            assertThat(r.header("Content-Type").toLowerCase()).isEqualTo(first.header("Content-Type").toLowerCase());
        }
        assertThat(pretty.body()).as("_pretty is HAPI's").contains("\n  ");
        Response xml = post("Claim/$submit", body, "Accept", "application/fhir+xml");
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.body()).startsWith("<Bundle");
    }
}
