package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Plain-HTTP and HAPI-client access to the server under test, shared by the contract test interfaces. */
public interface FhirHttp {
    HttpClient HTTP = HttpClient.newHttpClient();
    ObjectMapper JSON = new ObjectMapper();
    FhirContext CTX = FhirContext.forR4Cached();

    /** The server's FHIR base, e.g. http://localhost:12345/fhir. */
    String base();

    default IGenericClient hapi() {
        // Our server always answers /metadata, but the check costs a round trip per client: skip it.
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return CTX.newRestfulGenericClient(base());
    }

    record Response(int status, HttpResponse<String> raw) {
        public String body() {
            return raw.body();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public JsonNode json() {
            try {
                if (raw.body().startsWith("<")) {
                    var resource = CTX.newXmlParser().parseResource(raw.body());
                    return JSON.readTree(CTX.newJsonParser().encodeResourceToString(resource));
                }
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + raw.body(), e);
            }
        }

        public <T extends IBaseResource> T resource(Class<T> type) {
            return CTX.newJsonParser().parseResource(type, raw.body());
        }

        /** Asserts the status and that the body is an OperationOutcome naming an error; returns its first code. */
        public String assertOutcome(int expectedStatus) {
            assertThat(status).as("status of %s", raw.body()).isEqualTo(expectedStatus);
            JsonNode outcome = json();
            assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(outcome.path("issue").get(0).path("severity").asText()).isIn("error", "fatal");
            assertThat(raw.body()).doesNotContain("Exception").doesNotContain("at org.").doesNotContain("SQL");
            return outcome.path("issue").get(0).path("details").path("coding").path(0).path("code").asText();
        }
    }

    default Response get(String path, String... headers) {
        return send("GET", path, null, null, headers);
    }

    default Response post(String path, String body, String... headers) {
        return send("POST", path, "application/fhir+json", body, headers);
    }

    default Response put(String path, String body, String... headers) {
        return send("PUT", path, "application/fhir+json", body, headers);
    }

    default Response delete(String path, String... headers) {
        return send("DELETE", path, null, null, headers);
    }

    default Response send(String method, String path, String contentType, String body, String... headers) {
        String url = path.startsWith("http") ? path : base() + (path.startsWith("/") ? "" : "/") + path;
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url.replace("|", "%7C").replace(" ", "%20")))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response);
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A value no other test uses, for identifiers and names that scope a test's searches to its own data. */
    default String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Posts a transaction Bundle (with {@code headers}, e.g. an Authorization) and returns the first id of each type. */
    default java.util.Map<String, String> load(String bundle, String... headers) {
        Response r = post("", bundle, headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        java.util.Map<String, String> ids = new java.util.LinkedHashMap<>();
        for (JsonNode e : r.json().path("entry")) {
            String[] location = e.path("response").path("location").asText().split("/");
            ids.putIfAbsent(location[0], location[1]);
        }
        return ids;
    }

    /** Creates a resource from JSON and returns its new id. */
    default String create(String type, String json) {
        Response r = post(type, json);
        assertThat(r.status()).as("create %s: %s", type, r.body()).isEqualTo(201);
        return r.json().path("id").asText();
    }
}
