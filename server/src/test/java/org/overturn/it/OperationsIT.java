package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overturn.store.ResourceTypes;

/** Health, metrics, request ids, CORS and the CapabilityStatement, as operators and browsers see them. */
class OperationsIT extends EmbeddedServerTest {

    private String root() {
        return base().replace("/fhir", "");
    }

    @Test
    void metadataWhenFetchedThenListsEveryTypeWithItsInteractionsAndSearchParameters() {
        Response r = get("metadata");
        assertThat(r.status()).isEqualTo(200);
        JsonNode rest = r.json().path("rest").get(0);
        Set<String> types = new HashSet<>();
        for (JsonNode resource : rest.path("resource")) {
            types.add(resource.path("type").asText());
            if (resource.path("type").asText().equals("Observation")) {
                Set<String> params = new HashSet<>();
                resource.path("searchParam").forEach(p -> params.add(p.path("name").asText()));
                assertThat(params).contains("patient", "code", "date", "value-quantity", "subject", "_id", "_lastUpdated", "_has");
                assertThat(params).contains("code-value-quantity", "component-code-value-quantity", "combo-code-value-concept");
                Set<String> interactions = new HashSet<>();
                resource.path("interaction").forEach(i -> interactions.add(i.path("code").asText()));
                assertThat(interactions).contains("read", "vread", "create", "update", "delete", "search-type",
                        "history-instance", "history-type");
                assertThat(resource.path("conditionalCreate").asBoolean()).isTrue();
                assertThat(resource.path("searchInclude").toString()).contains("Observation:subject");
            }
        }
        assertThat(types).containsAll(ResourceTypes.SUPPORTED);
        assertThat(r.json().path("software").path("name").asText()).isEqualTo("Overturn");
        assertThat(rest.path("interaction").toString()).contains("transaction").contains("batch");
    }

    @Test
    void requestIdWhenSentThenEchoedAndWhenAbsentThenGenerated() {
        assertThat(get("metadata", "X-Request-Id", "abc-123").header("X-Request-Id")).isEqualTo("abc-123");
        // Ours, the one the access log and the AuditEvent carry, on answers HAPI writes too (not an id of its own).
        for (String path : List.of("metadata", "Patient/no-such-patient")) {
            String id = get(path).header("X-Request-Id");
            assertThat(java.util.UUID.fromString(id).toString()).as(path).isEqualTo(id);
        }
        assertThat(get("metadata", "X-Request-Id", "bad value\twith tabs").header("X-Request-Id")).isNotEqualTo("bad value\twith tabs");
    }

    @Test
    void corsPreflightWhenBrowserAsksThenAllowedWithoutAuthentication() {
        Response r = send("OPTIONS", "Patient", null, null,
                "Origin", "http://ehr.localhost:3000",
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization,content-type");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("http://ehr.localhost:3000");
        assertThat(r.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(r.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");
        Response actual = get("metadata", "Origin", "http://ehr.localhost:3000");
        assertThat(actual.header("Access-Control-Allow-Origin")).isEqualTo("http://ehr.localhost:3000");
    }

    @Test
    void healthWhenDatabaseUpThenLivenessAndReadinessAreUp() {
        Response readiness = get(root() + "/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asText()).isEqualTo("UP");
        assertThat(get(root() + "/actuator/health/liveness").json().path("status").asText()).isEqualTo("UP");
        assertThat(get(root() + "/actuator/health").body()).contains("UP");
    }

    @Test
    void prometheusWhenScrapedThenFhirRequestsAreTimedByTypeAndMethod() {
        get("Patient?_count=1");
        Response metrics = get(root() + "/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("overturn_fhir_requests_seconds_count{method=\"GET\",status=\"200\",type=\"Patient\"}");
    }

    @Test
    void appWhenOpenedThenLaunchPageAndAppAreServed() {
        Response page = get(root() + "/app/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Overturn: prior authorization and appeals</title>").contains("app.js");
        assertThat(get(root() + "/app/launch.html").body()).contains("launch.js");
        // the bundle built from smart-app's TypeScript, with fhirclient inside
        assertThat(get(root() + "/app/app.js").body()).contains("CoverageEligibilityRequest/$submit");
        assertThat(get(root() + "/app/launch.js").body()).contains("code_challenge");
    }
}
