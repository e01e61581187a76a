package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A plain JSON read is answered from the stored JSON; any parameter sends it through HAPI. Both must give the same
 * answer: status, body, ETag, Last-Modified and content type. Unknown, deleted, XML and conditional reads are HAPI's.
 */
public interface JsonReadContract extends FhirHttp {

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
}
