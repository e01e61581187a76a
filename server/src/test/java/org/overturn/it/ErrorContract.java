package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The error table: every failure is an OperationOutcome with the right status, never a stack trace or SQL. */
public interface ErrorContract extends FhirHttp {

    DataSource dataSource();

    @Test
    default void malformedJsonThen400() {
        Response r = post("Patient", "{\"resourceType\":\"Patient\", \"name\": [");
        r.assertOutcome(400);
    }

    @Test
    default void malformedXmlThen400() {
        Response r = send("POST", "Patient", "application/fhir+xml", "<Patient xmlns=\"http://hl7.org/fhir\"><name>");
        r.assertOutcome(400);
    }

    @Test
    default void unknownElementOrBadValueThen400() {
        post("Patient", "{\"resourceType\":\"Patient\",\"shoeSize\":12}").assertOutcome(400);
        post("Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}").assertOutcome(400);
    }

    /** Found by the long fuzz run: HAPI's parser fails on a blank resourceType inside a body with a bare exception. */
    @Test
    default void containedResourceWithBlankTypeThen400NotA500() {
        post("Patient", "{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"\"}]}").assertOutcome(400);
        post("", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"\"},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}").assertOutcome(400);
    }

    @Test
    default void bodyTypeDiffersFromUrlThen400() {
        post("Observation", CrudContract.patient("Wrong", unique())).assertOutcome(400);
    }

    @Test
    default void badSearchParameterThen400() {
        assertThat(get("Observation?not-a-param=1").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
    }

    @Test
    default void unknownResourceTypeThen404() {
        get("Foo/1").assertOutcome(404);
        get("Foo?name=x").assertOutcome(404);
    }

    @Test
    default void unknownIdThen404() {
        assertThat(get("Patient/no-such-" + unique()).assertOutcome(404)).isEqualTo("OVT-404");
        String id = create("Patient", CrudContract.patient("V", unique()));
        get("Patient/" + id + "/_history/99").assertOutcome(404);
    }

    @Test
    default void unsupportedMethodThen405WithAllow() {
        Response patch = send("PATCH", "Patient/1", "application/json-patch+json", "[]");
        assertThat(patch.assertOutcome(405)).isEqualTo("OVT-405");
        assertThat(patch.header("Allow")).contains("GET");
        String id = create("Patient", CrudContract.patient("V", unique()));
        post("Patient/" + id, CrudContract.patient("V", unique())).assertOutcome(405);
    }

    @Test
    default void writeWhileAnotherWriterHoldsTheResourceThen409() throws Exception {
        String id = create("Patient", CrudContract.patient("Busy", unique()));
        String body = CrudContract.patient("Busy2", unique())
                .replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",");
        whilePatientRowHeld(id, () -> assertThat(put("Patient/" + id, body).assertOutcome(409)).isEqualTo("OVT-409"));
        assertThat(put("Patient/" + id, body).status()).isEqualTo(200);
    }

    /** The lock wait is bounded for every write of a transaction, not only its first: 409, and nothing stored. */
    @Test
    default void transactionWhoseSecondWriteFindsTheResourceHeldThen409AndNothingStored() throws Exception {
        String free = create("Patient", CrudContract.patient("Free", unique()));
        String held = create("Patient", CrudContract.patient("Held", unique()));
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"resource":{"resourceType":"Patient","id":"%s","name":[{"family":"Free2"}]},"request":{"method":"PUT","url":"Patient/%s"}},
                 {"resource":{"resourceType":"Patient","id":"%s","name":[{"family":"Held2"}]},"request":{"method":"PUT","url":"Patient/%s"}}]}
                """.formatted(free, free, held, held);
        whilePatientRowHeld(held, () -> assertThat(post("", bundle).assertOutcome(409)).isEqualTo("OVT-409"));
        assertThat(get("Patient/" + free).json().path("meta").path("versionId").asText()).isEqualTo("1");
        assertThat(post("", bundle).status()).isEqualTo(200);
        assertThat(get("Patient/" + held).json().path("meta").path("versionId").asText()).isEqualTo("2");
    }

    /** Runs {@code check} while another transaction holds the row lock of Patient/{@code id}. */
    private void whilePatientRowHeld(String id, Runnable check) throws Exception {
        try (Connection c = dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement(
                    "select 1 from resource where res_type = 'Patient' and res_id = ? for update")) {
                lock.setString(1, id);
                lock.executeQuery().close();
                check.run();
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    default void deletedThen410() {
        String id = create("Patient", CrudContract.patient("Del", unique()));
        delete("Patient/" + id);
        assertThat(get("Patient/" + id).assertOutcome(410)).isEqualTo("OVT-410");
    }

    @Test
    default void staleIfMatchThen412() {
        String id = create("Patient", CrudContract.patient("Stale", unique()));
        delete("Patient/" + id + "", "If-Match", "W/\"7\"").assertOutcome(412);
        assertThat(get("Patient/" + id).status()).isEqualTo(200);
    }

    @Test
    default void bodyTooLargeThen413() {
        String big = "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"" + "x".repeat(1_200_000) + "\"}]}";
        assertThat(post("Patient", big).assertOutcome(413)).isEqualTo("OVT-413");
    }

    @Test
    default void wrongMediaTypeThen415() {
        Response r = send("POST", "Patient", "text/plain", CrudContract.patient("Media", unique()));
        assertThat(r.assertOutcome(415)).isEqualTo("OVT-415");
    }

    @Test
    default void invalidResourceThen422ListingEveryMissingElement() {
        Response r = post("Observation", "{\"resourceType\":\"Observation\",\"component\":[{\"valueString\":\"x\"}]}");
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(r.body()).contains("Observation.status").contains("Observation.code").contains("Observation.component[0].code");
    }

    @Test
    default void garbageInputNeverCauses5xx() {
        String[] paths = {
            "Patient?_sort=nonsense", "Patient?_include=Nope:x", "Patient?_count=abc", "Patient?birthdate=gt",
            "Patient?_total=maybe", "Observation?subject.nothing=1", "Patient/%00", "Patient?name:exact=%FF",
            "Observation?date=2025-13-45", "Patient/x/_history/abc", "Patient?_lastUpdated=zz", "metadata?_format=pdf"
        };
        for (String path : paths) {
            Response r = get(path);
            assertThat(r.status()).as("%s -> %s", path, r.body()).isLessThan(500);
        }
        assertThat(post("", "[]").status()).isLessThan(500);
        assertThat(post("", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{}]}").status()).isEqualTo(400);
        assertThat(put("Patient/abc", "{\"resourceType\":\"Patient\",\"id\":\"xyz\"}").status()).isEqualTo(400);
    }

    @Test
    default void databaseSessionsPlanEachSearchWithItsValues() throws Exception {
        try (Connection c = dataSource().getConnection(); var rs = c.createStatement().executeQuery("show plan_cache_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("force_custom_plan");
        }
    }
}
