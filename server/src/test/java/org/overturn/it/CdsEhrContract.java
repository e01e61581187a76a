package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;
import org.overturn.workflow.AppealProfiles;

/**
 * Hook calls whose chart comes from the EHR's fhirServer (a WireMock stand-in): fetch-only, mixed with prefetch,
 * failures of every kind (500, 401, garbage, too slow), the allow-list, the answer cache, contradictions between
 * prefetch and context, and the stored assessment the card links to.
 */
public interface CdsEhrContract extends CdsHooksContract {

    /** The stand-in EHR, started once for the test JVM on a free loopback port. */
    final class Ehr {
        static final WireMockServer SERVER = start();

        private static WireMockServer start() {
            WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
            server.start();
            return server;
        }

        static String base() {
            return "http://127.0.0.1:" + SERVER.port() + "/fhir";
        }
    }

    Map<String, String> TYPE_OF_KEY = Map.of(
            "coverage", "Coverage", "conditions", "Condition", "biomarkers", "Observation",
            "medicationStatements", "MedicationStatement", "medicationRequests", "MedicationRequest");

    /** Stubs what a key's query asks for; {@code answer} = null serves the prefetch value as the EHR would. */
    private static void stub(WireMockServer ehr, String key, String patientId, JsonNode value, ResponseDefinitionBuilder answer) {
        MappingBuilder request = key.equals("patient")
                ? WireMock.get(urlPathEqualTo("/fhir/Patient/" + patientId))
                : WireMock.get(urlPathEqualTo("/fhir/" + TYPE_OF_KEY.get(key))).withQueryParam("patient", equalTo(patientId));
        ResponseDefinitionBuilder ok = aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json")
                .withBody(value == null ? "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}" : value.toString());
        ehr.stubFor(request.willReturn(answer == null ? ok : answer));
    }

    /**
     * The scenario's hook call with its prefetch moved to the stand-in EHR, except the keys in {@code keep}; the
     * answers for the keys in {@code failures} are replaced.
     */
    default ObjectNode viaEhr(String prefix, Map<String, ResponseDefinitionBuilder> failures, String... keep) {
        return viaEhr(Ehr.SERVER, prefix, failures, keep);
    }

    /** As above, with another stand-in EHR (its FHIR base is {@code /fhir} on its loopback port). */
    default ObjectNode viaEhr(WireMockServer ehr, String prefix, Map<String, ResponseDefinitionBuilder> failures, String... keep) {
        ObjectNode request = (ObjectNode) CdsHooksContract.tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign", prefix));
        String patientId = request.path("context").path("patientId").asText();
        ObjectNode prefetch = (ObjectNode) request.path("prefetch");
        for (String key : new String[] {"patient", "coverage", "conditions", "biomarkers", "medicationStatements", "medicationRequests"}) {
            stub(ehr, key, patientId, prefetch.get(key), failures.get(key));
        }
        for (Iterator<String> keys = prefetch.fieldNames(); keys.hasNext(); ) {
            if (!java.util.List.of(keep).contains(keys.next())) {
                keys.remove();
            }
        }
        request.put("fhirServer", "http://127.0.0.1:" + ehr.port() + "/fhir");
        request.putObject("fhirAuthorization").put("access_token", "token-" + prefix).put("token_type", "Bearer")
                .put("expires_in", 300).put("scope", "patient/*.read").put("subject", "overturn");
        return request;
    }

    @Test
    default void orderSignWhenNoPrefetchThenTheChartIsReadFromTheEhrWithTheBearerToken() {
        String prefix = "ehr-" + unique() + "-";
        ObjectNode request = viaEhr(prefix, Map.of());
        String patientId = request.path("context").path("patientId").asText();
        FhirHttp.Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards")).as("the order's card and its published sources, no card about unread data").hasSize(2);
        assertThat(r.json().path("cards").get(0).path("summary").asText()).contains("5 of 5 criteria met");
        JsonNode info = r.json().path("systemActions").get(0).path("resource").path("extension").get(0);
        assertThat(CdsHooksContract.ext(info, "covered")).isEqualTo("covered");
        Ehr.SERVER.verify(getRequestedFor(urlPathEqualTo("/fhir/Observation"))
                .withQueryParam("patient", equalTo(patientId))
                .withHeader("Authorization", equalTo("Bearer token-" + prefix)));

        // order-sign after order-select: the EHR's answers are reused, even once the EHR stops answering.
        Ehr.SERVER.resetAll();
        request.put("hookInstance", java.util.UUID.randomUUID().toString());
        FhirHttp.Response again = hook("overturn-order-sign", request.toString());
        assertThat(again.json().path("cards")).as(again.body()).hasSize(2);
        assertThat(again.json().path("cards").get(0).path("summary").asText()).contains("5 of 5 criteria met");
    }

    @Test
    default void orderSignWhenPrefetchIsPartialThenOnlyTheRestIsFetched() {
        String prefix = "mixed-" + unique() + "-";
        ObjectNode request = viaEhr(prefix, Map.of(), "patient", "coverage");
        String patientId = request.path("context").path("patientId").asText();
        FhirHttp.Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards").get(0).path("summary").asText()).contains("5 of 5 criteria met");
        Ehr.SERVER.verify(0, getRequestedFor(urlPathEqualTo("/fhir/Patient/" + patientId)));
        Ehr.SERVER.verify(1, getRequestedFor(urlPathEqualTo("/fhir/Condition")).withQueryParam("patient", equalTo(patientId)));
    }

    @Test
    default void orderSignWhenTheEhrFailsThenStillAnswersAndSaysWhatCouldNotBeRead() {
        String prefix = "fail-" + unique() + "-";
        Map<String, ResponseDefinitionBuilder> failures = Map.of(
                "biomarkers", aResponse().withStatus(500),
                "conditions", aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json").withBody("{\"resourceType\": \"Bund"),
                "medicationStatements", aResponse().withStatus(401),
                "medicationRequests", aResponse().withStatus(200).withFixedDelay(6000)
                        .withBody("{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}"));
        FhirHttp.Response r = hook("overturn-order-sign", viaEhr(prefix, failures).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode cards = r.json().path("cards");
        assertThat(cards).as("the order's card, what could not be read, the published sources").hasSize(3);
        assertThat(cards.get(0).path("indicator").asText()).as("criteria without evidence are not met").isEqualTo("warning");
        JsonNode partial = cards.get(1);
        assertThat(partial.path("summary").asText()).contains("could not read part of the chart");
        assertThat(partial.path("detail").asText())
                .contains("biomarkers: the EHR answered HTTP 500")
                .contains("conditions: the EHR answered something that is not FHIR R4 JSON")
                .contains("medicationStatements: the EHR refused the access token (HTTP 401)")
                .contains("medicationRequests: the EHR did not answer within");
        assertThat(r.json().path("systemActions")).hasSize(1);
    }

    private static ResponseDefinitionBuilder fhirOk(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/fhir+json").withBody(body);
    }

    /** A searchset of two Observations about the patient of the hook request made with {@code prefix}. */
    private String observations(String prefix) {
        String patientId = CdsHooksContract.tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign", prefix))
                .path("context").path("patientId").asText();
        String observation = "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
                + "\"code\":{\"text\":\"weight\"},\"subject\":{\"reference\":\"Patient/" + patientId + "\"}}}";
        return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
                + String.format(observation, prefix + "o1") + "," + String.format(observation, prefix + "o2") + "]}";
    }

    @Test
    default void orderSignWhenTheEhrAnswersTheWrongResourceTypeThenTheCardSaysTheEhrAnsweredSomethingUnexpected() {
        String prefix = "wrong-type-" + unique() + "-";
        // Asked for a Patient, got an OperationOutcome with 200: the card says so instead of "not found".
        ObjectNode request = viaEhr(prefix, Map.of("patient", fhirOk("{\"resourceType\":\"OperationOutcome\",\"issue\":"
                + "[{\"severity\":\"error\",\"code\":\"not-found\",\"diagnostics\":\"no such chart\"}]}")));
        FhirHttp.Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards")).as(r.body()).hasSize(1);
        assertThat(r.json().path("cards").get(0).path("detail").asText()).as(r.body())
                .contains("the Patient could not be read (the EHR answered something unexpected: OperationOutcome (issue"
                        + " not-found) where Patient was asked for)")
                .doesNotContain("no such chart");

        // Asked for Coverage, got a Bundle of Observations: no Coverage, and the card names what came instead.
        r = hook("overturn-order-sign", viaEhr(prefix + "c-", Map.of("coverage", fhirOk(observations(prefix + "c-")))).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards").get(0).path("detail").asText()).as(r.body())
                .contains("an active Coverage could not be read (the EHR answered something unexpected: 2 Observation where"
                        + " Coverage was asked for)");

        // A chart key answered with another type: the order is assessed, and the note on what was not read names it.
        r = hook("overturn-order-sign", viaEhr(prefix + "m-", Map.of("medicationStatements", fhirOk(observations(prefix + "m-")))).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode cards = r.json().path("cards");
        assertThat(cards).as(r.body()).hasSize(3);
        assertThat(cards.get(1).path("summary").asText()).contains("could not read part of the chart: medicationStatements");
        assertThat(cards.get(1).path("detail").asText()).contains(
                "medicationStatements: the EHR answered something unexpected: 2 Observation where MedicationStatement was asked for");
    }

    @Test
    default void hookWhenFhirServerIsNotAllowListedThenItIsNeverCalled() {
        ObjectNode request = viaEhr("deny-" + unique() + "-", Map.of());
        request.put("fhirServer", "https://ehr.not-allowed.example/fhir");
        FhirHttp.Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("cards").get(0).path("detail").asText()).contains("not on the allow-list");

        request.put("fhirServer", "http://ehr.not-allowed.example/fhir");
        assertThat(hook("overturn-order-sign", request.toString()).json().path("cards").get(0).path("detail").asText())
                .contains("plain http");
        request.put("fhirServer", "not a url");
        assertThat(hook("overturn-order-sign", request.toString()).status()).isEqualTo(400);
    }

    @Test
    default void hookWhenPrefetchContradictsTheContextThen400AndNothingStored() {
        int before = get("CoverageEligibilityResponse?_summary=count").json().path("total").asInt();
        ObjectNode request = (ObjectNode) CdsHooksContract.tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "contra-" + unique() + "-"));
        ((ObjectNode) request.path("context")).put("patientId", "someone-else");
        FhirHttp.Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).contains("context.patientId is someone-else");
        assertThat(get("CoverageEligibilityResponse?_summary=count").json().path("total").asInt()).isEqualTo(before);
    }

    @Test
    default void orderSignWhenAnsweredThenTheAssessmentIsStoredAndTheSmartLinkNamesIt() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "link-" + unique() + "-");
        String patientId = CdsHooksContract.tree(body).path("context").path("patientId").asText();
        JsonNode link = hook("overturn-order-sign", body).json().path("cards").get(0).path("links").get(0);
        assertThat(link.path("type").asText()).isEqualTo("smart");
        assertThat(link.path("url").asText()).endsWith("/app/launch.html");
        JsonNode appContext = CdsHooksContract.tree(link.path("appContext").asText());
        String assessment = appContext.path("assessment").asText();
        assertThat(assessment).startsWith("CoverageEligibilityResponse/");

        FhirHttp.Response stored = get(assessment);
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.json().path("identifier").get(0).path("system").asText()).endsWith("/cds-hook-call");
        assertThat(stored.json().path("patient").path("reference").asText()).isEqualTo("Patient/" + patientId);
        // It names the payer's PA decision clocks as $submit does: a California HMO, under DMHC.
        List<String> clocks = new ArrayList<>();
        for (JsonNode e : stored.json().path("insurance").get(0).path("item").get(0).path("extension")) {
            if (e.path("url").asText().equals(AppealProfiles.DEADLINE)) {
                clocks.add(EligibilityContract.sub(e, "urgency") + " " + EligibilityContract.sub(e, "rule"));
            }
        }
        assertThat(clocks).as(stored.body()).containsExactly(
                "standard CA-DMHC rxPriorAuth.standard", "expedited CA-DMHC rxPriorAuth.exigent");
        // The same hook call retried: the same assessment, not a second one.
        JsonNode retried = hook("overturn-order-sign", body).json().path("cards").get(0).path("links").get(0);
        assertThat(CdsHooksContract.tree(retried.path("appContext").asText()).path("assessment").asText()).isEqualTo(assessment);
    }
}
