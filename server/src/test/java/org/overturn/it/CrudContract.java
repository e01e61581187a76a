package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Create, read, versioning, history, conditional create and optimistic locking, over plain HTTP and the HAPI client. */
public interface CrudContract extends FhirHttp {

    static String patient(String family, String mrn) {
        return """
                {"resourceType":"Patient","identifier":[{"system":"http://overturn.example.org/mrn","value":"%s"}],
                 "name":[{"family":"%s","given":["Ada"]}],"gender":"female","birthDate":"1970-02-03"}
                """.formatted(mrn, family);
    }

    @Test
    default void createWhenValidPatientThen201WithLocationVersionAndBody() {
        String mrn = unique();
        Response r = post("Patient", patient("Crud" + mrn, mrn));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).matches(".*/fhir/Patient/[^/]+/_history/1");
        assertThat(r.header("ETag")).isEqualTo("W/\"1\"");
        assertThat(r.json().path("meta").path("versionId").asText()).isEqualTo("1");
        String id = r.json().path("id").asText();

        Response read = get("Patient/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("name").get(0).path("family").asText()).isEqualTo("Crud" + mrn);
    }

    @Test
    default void createWhenClientSendsIdThenServerAssignsItsOwn() {
        String mrn = unique();
        String body = patient("Ignored", mrn).replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"mine\",");
        Response r = post("Patient", body);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("id").asText()).isNotEqualTo("mine");
    }

    @Test
    default void updateWhenResourceChangesThenNewVersionAndOldVersionStaysReadable() {
        String mrn = unique();
        String id = create("Patient", patient("Before", mrn));
        String updated = patient("After", mrn).replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",");

        Response put = put("Patient/" + id, updated);
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().path("meta").path("versionId").asText()).isEqualTo("2");

        assertThat(get("Patient/" + id).json().path("name").get(0).path("family").asText()).isEqualTo("After");
        Response v1 = get("Patient/" + id + "/_history/1");
        assertThat(v1.status()).isEqualTo(200);
        assertThat(v1.json().path("name").get(0).path("family").asText()).isEqualTo("Before");

        Response history = get("Patient/" + id + "/_history");
        assertThat(history.json().path("type").asText()).isEqualTo("history");
        assertThat(history.json().path("total").asInt()).isEqualTo(2);
        assertThat(history.json().path("entry").get(0).path("resource").path("meta").path("versionId").asText()).isEqualTo("2");
    }

    @Test
    default void updateWhenIfMatchIsCurrentThenSucceedsAndWhenStaleThen412() {
        String mrn = unique();
        String id = create("Patient", patient("Lock", mrn));
        String body = patient("Lock2", mrn).replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",");

        assertThat(put("Patient/" + id, body, "If-Match", "W/\"1\"").status()).isEqualTo(200);
        Response stale = put("Patient/" + id, body, "If-Match", "W/\"1\"");
        assertThat(stale.assertOutcome(412)).isEqualTo("OVT-412-VERSION");
        assertThat(get("Patient/" + id).json().path("meta").path("versionId").asText()).isEqualTo("2");
    }

    @Test
    default void updateWhenIdIsNewThenCreatesWithClientId() {
        String id = "client-" + unique();
        String body = patient("Put", unique()).replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",");
        Response r = put("Patient/" + id, body);
        assertThat(r.status()).isEqualTo(201);
        assertThat(get("Patient/" + id).status()).isEqualTo(200);
    }

    @Test
    default void historyWhenResourceDeletedThenDeletionEntryNamesTheResourceWithRequestAndResponseButNoBody() {
        String id = create("Patient", patient("Tombstone", unique()));
        assertThat(delete("Patient/" + id).status()).isEqualTo(200);
        String history = "Patient/" + id + "/_history";
        var deletion = get(history).json().path("entry").get(0);
        // R4 http.html#history: a deletion entry has no resource, a request (DELETE) and a response, and its
        // fullUrl is the deleted resource's, not a placeholder type's.
        assertThat(deletion.path("fullUrl").asText()).as(history).endsWith("/Patient/" + id);
        assertThat(deletion.has("resource")).as(history).isFalse();
        assertThat(deletion.path("request").path("method").asText()).as(history).isEqualTo("DELETE");
        assertThat(deletion.path("request").path("url").asText()).as(history).isEqualTo("Patient/" + id);
        assertThat(deletion.path("response").path("status").asText()).as(history).startsWith("20");
    }

    @Test
    default void deleteWhenResourceExistsThenReadIs410AndHistoryKeepsTheVersions() {
        String id = create("Patient", patient("Gone", unique()));
        Response del = delete("Patient/" + id);
        assertThat(del.status()).isEqualTo(200);
        assertThat(get("Patient/" + id).assertOutcome(410)).isEqualTo("OVT-410");
        assertThat(get("Patient/" + id + "/_history/1").status()).isEqualTo(200);
        assertThat(get("Patient/" + id + "/_history").json().path("total").asInt()).isEqualTo(2);
        assertThat(get("Patient?_id=" + id).json().path("total").asInt()).isZero();

        // Re-creating with PUT continues the version sequence.
        String body = patient("Back", unique()).replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",");
        Response back = put("Patient/" + id, body);
        assertThat(back.status()).isEqualTo(201);
        assertThat(back.json().path("meta").path("versionId").asText()).isEqualTo("3");
    }

    @Test
    default void conditionalCreateWhenIdentifierExistsThenReturnsExistingWithoutNewVersion() {
        String mrn = unique();
        String id = create("Patient", patient("Cond", mrn));
        Response again = post("Patient", patient("Cond", mrn), "If-None-Exist", "identifier=http://overturn.example.org/mrn|" + mrn);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asText()).isEqualTo(id);
        assertThat(get("Patient?identifier=http://overturn.example.org/mrn|" + mrn).json().path("total").asInt()).isEqualTo(1);

        Response fresh = post("Patient", patient("Cond", unique()), "If-None-Exist", "identifier=http://overturn.example.org/mrn|" + unique());
        assertThat(fresh.status()).isEqualTo(201);
    }

    /** FHIR R4 RESTful API 3.1.0.8.1 (conditional create): several matches, 412 Precondition Failed, nothing created. */
    @Test
    default void conditionalCreateWhenSeveralMatchThen412OutcomeAndNothingCreated() {
        String family = "Several" + unique().replace("-", "");
        create("Patient", patient(family, unique()));
        create("Patient", patient(family, unique()));
        Response again = post("Patient", patient(family, unique()), "If-None-Exist", "family=" + family);
        assertThat(again.status()).as(again.body()).isEqualTo(412);
        assertThat(again.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(again.json().path("issue").get(0).path("diagnostics").asText()).isNotBlank();
        assertThat(get("Patient?family:exact=" + family).json().path("total").asInt()).isEqualTo(2);
    }

    @Test
    default void preferHeaderWhenMinimalThenNoBodyAndWhenOperationOutcomeThenOutcome() {
        Response minimal = post("Patient", patient("Pref", unique()), "Prefer", "return=minimal");
        assertThat(minimal.status()).isEqualTo(201);
        assertThat(minimal.body()).isEmpty();
        assertThat(minimal.header("Location")).contains("/Patient/");

        Response outcome = post("Patient", patient("Pref", unique()), "Prefer", "return=OperationOutcome");
        assertThat(outcome.status()).isEqualTo(201);
        assertThat(outcome.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    default void formatsWhenXmlRequestedThenXmlAndSummaryAndElementsTrimTheResource() {
        String id = create("Patient", patient("Fmt", unique()));
        Response xml = get("Patient/" + id + "?_format=xml");
        assertThat(xml.header("Content-Type")).contains("xml");
        assertThat(xml.body()).contains("<Patient").contains("Fmt");

        Response accept = get("Patient/" + id, "Accept", "application/fhir+xml");
        assertThat(accept.body()).startsWith("<Patient");

        Response pretty = get("Patient/" + id + "?_pretty=true");
        assertThat(pretty.body()).contains("\n");

        Response elements = get("Patient/" + id + "?_elements=gender");
        assertThat(elements.json().has("gender")).isTrue();
        assertThat(elements.json().has("name")).isFalse();

        Response summary = get("Patient/" + id + "?_summary=true");
        assertThat(summary.json().path("meta").path("tag").toString()).contains("SUBSETTED");
    }

    @Test
    default void xmlWhenPostedThenStoredAndReadBackAsJson() {
        String mrn = unique();
        String xml = """
                <Patient xmlns="http://hl7.org/fhir"><identifier><system value="http://overturn.example.org/mrn"/>
                <value value="%s"/></identifier><name><family value="Xml"/></name></Patient>""".formatted(mrn);
        Response r = send("POST", "Patient", "application/fhir+xml", xml);
        assertThat(r.status()).isEqualTo(201);
        assertThat(get("Patient?identifier=" + mrn).json().path("entry").get(0).path("resource").path("name").get(0).path("family").asText())
                .isEqualTo("Xml");
    }

    @Test
    default void hapiClientWhenCrudThenRoundTrips() {
        var client = hapi();
        Patient p = new Patient();
        p.addName().setFamily("Hapi" + unique());
        p.addIdentifier().setSystem("http://overturn.example.org/mrn").setValue(unique());
        var created = client.create().resource(p).execute();
        assertThat(created.getCreated()).isTrue();
        IdType id = (IdType) created.getId();
        Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo(p.getNameFirstRep().getFamily());
        read.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.MALE);
        var updated = client.update().resource(read).execute();
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
        var bundle = client.history().onInstance(id.toUnqualifiedVersionless()).returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
        assertThat(bundle.getEntry()).hasSize(2);
    }
}
