package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;

/**
 * CDS Hooks with the hook request fixtures of test-fixtures ({@code scenarios/<id>/hooks/}): each seed scenario's
 * order-sign request with full prefetch gets the card and the coverage-information update its expected.json names,
 * and each fixture's prefetch is what the server's own templates return for the chart.
 */
public interface HookFixturesContract extends FhirHttp {
    String COVERAGE_INFORMATION = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    private String cdsBase() {
        return base().replace("/fhir", "/cds-services");
    }

    private Response call(String service, String body) {
        return send("POST", cdsBase() + "/" + service, "application/json", body);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A sub-extension's value, whatever its type; null when absent. */
    private static String value(JsonNode extension, String name) {
        for (JsonNode e : extension.path("extension")) {
            if (e.path("url").asText().equals(name)) {
                var fields = e.fieldNames();
                while (fields.hasNext()) {
                    String field = fields.next();
                    if (field.startsWith("value")) {
                        JsonNode v = e.path(field);
                        return v.isValueNode() ? v.asText() : v.path("reference").asText();
                    }
                }
            }
        }
        return null;
    }

    /** Calls the service with the fixture and checks the answer against the scenario's expected.json (cdsHooks). */
    private void assertAnswer(Scenario scenario, String service, String fixture) {
        JsonNode expected = read(scenario.expectedJson()).path("cdsHooks");
        assertThat(expected.isObject()).as("%s expected.json has cdsHooks", scenario).isTrue();
        JsonNode draft = read(fixture).path("context").path("draftOrders").path("entry").get(0).path("resource");

        Response r = call(service, fixture);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode cards = r.json().path("cards");
        assertThat(cards).as("the order's card and the drug's published sources: " + r.body()).hasSize(2);
        assertThat(cards.get(1).path("links")).as(r.body()).isNotEmpty()
                .allSatisfy(link -> assertThat(link.path("type").asText()).isEqualTo("absolute"));
        JsonNode card = cards.get(0);
        String summary = card.path("summary").asText();
        assertThat(card.path("indicator").asText()).as(summary).isEqualTo(expected.path("indicator").asText());
        expected.path("summaryMustContain").forEach(s -> assertThat(summary).contains(s.asText()));
        expected.path("detailMustContain").forEach(s -> assertThat(card.path("detail").asText()).contains(s.asText()));
        assertThat(summary.length()).isLessThan(140);
        assertThat(card.path("source").path("label").asText()).isNotBlank();

        JsonNode actions = r.json().path("systemActions");
        assertThat(actions).as(r.body()).hasSize(1);
        JsonNode action = actions.get(0);
        assertThat(action.path("type").asText()).isEqualTo("update");
        JsonNode order = action.path("resource");
        assertThat(order.path("resourceType").asText()).isEqualTo("MedicationRequest");
        assertThat(order.path("id").asText()).isEqualTo(draft.path("id").asText());
        assertThat(order.path("medicationCodeableConcept")).isEqualTo(draft.path("medicationCodeableConcept"));
        List<JsonNode> infos = new ArrayList<>();
        order.path("extension").forEach(e -> {
            if (e.path("url").asText().equals(COVERAGE_INFORMATION)) {
                infos.add(e);
            }
        });
        assertThat(infos).as(order.toString()).hasSize(1);
        JsonNode info = infos.get(0);
        expected.path("coverageInformation").fields().forEachRemaining(f ->
                assertThat(value(info, f.getKey())).as(f.getKey()).isEqualTo(f.getValue().isNull() ? null : f.getValue().asText()));
        String assertion = value(info, "coverage-assertion-id");
        assertThat(assertion).isNotBlank();

        JsonNode again = call(service, fixture).json().path("systemActions").get(0).path("resource").path("extension");
        List<String> assertions = new ArrayList<>();
        again.forEach(e -> {
            if (e.path("url").asText().equals(COVERAGE_INFORMATION)) {
                assertions.add(value(e, "coverage-assertion-id"));
            }
        });
        assertThat(assertions).containsExactly(assertion);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overturn.fixtures.Scenarios#all")
    default void orderSignWhenFixtureCarriesFullPrefetchThenExpectedCardAndCoverageInformation(Scenario scenario) {
        assertAnswer(scenario, "overturn-order-sign", scenario.orderSignJson());
    }

    @Test
    default void orderSelectWhenFixtureCarriesFullPrefetchThenSameAnswerAsOrderSign() {
        assertAnswer(Scenarios.ALECTINIB_CA, "overturn-order-select", Scenarios.ALECTINIB_CA.orderSelectJson());
    }

    /**
     * The no-prefetch fixture against a stand-in EHR that answers the templates' queries with the chart: the same card
     * and coverage information as with full prefetch, and the EHR was really asked, with the call's bearer token.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overturn.fixtures.Scenarios#all")
    default void orderSignWhenFixtureHasNoPrefetchThenTheChartComesFromTheStubEhrWithTheSameAnswer(Scenario scenario) {
        JsonNode full = read(scenario.orderSignJson());
        String patientId = full.path("context").path("patientId").asText();
        var ehr = CdsEhrContract.Ehr.SERVER;
        full.path("prefetch").fields().forEachRemaining(f -> {
            var request = f.getKey().equals("patient")
                    ? WireMock.get(
                            WireMock.urlPathEqualTo("/fhir/Patient/" + patientId))
                    : WireMock.get(WireMock.urlPathEqualTo(
                                    "/fhir/" + CdsEhrContract.TYPE_OF_KEY.get(f.getKey())))
                            .withQueryParam("patient", WireMock.equalTo(patientId));
            ehr.stubFor(request.willReturn(WireMock.okForContentType(
                    "application/fhir+json", f.getValue().toString())));
        });
        String fixture = scenario.orderSignNoPrefetchJson().replace("http://127.0.0.1:0/fhir", CdsEhrContract.Ehr.base());
        assertAnswer(scenario, "overturn-order-sign", fixture);
        ehr.verify(WireMock.getRequestedFor(
                        WireMock.urlPathEqualTo("/fhir/Observation"))
                .withQueryParam("patient", WireMock.equalTo(patientId))
                .withHeader("Authorization", WireMock.matching("Bearer .+")));
    }

    /** Guards the fixtures against drift: from the server's own templates and the chart, the same resources. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overturn.fixtures.Scenarios#all")
    default void prefetchWhenTheServersTemplatesRunOnTheChartThenTheFixtureHoldsWhatTheyReturn(Scenario scenario) {
        Response loaded = post("", scenario.ehrChartJson());
        assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
        JsonNode fixture = read(scenario.orderSignJson());
        String patientId = fixture.path("context").path("patientId").asText();
        JsonNode templates = null;
        for (JsonNode service : get(cdsBase()).json().path("services")) {
            if (service.path("id").asText().equals("overturn-order-sign")) {
                templates = service.path("prefetch");
            }
        }
        assertThat(templates).as("order-sign service in discovery").isNotNull();

        Set<String> keys = new HashSet<>();
        templates.fieldNames().forEachRemaining(keys::add);
        Set<String> fixtureKeys = new HashSet<>();
        fixture.path("prefetch").fieldNames().forEachRemaining(fixtureKeys::add);
        assertThat(fixtureKeys).as("prefetch keys of %s", scenario).isEqualTo(keys);

        templates.fields().forEachRemaining(t -> {
            String query = t.getValue().asText().replace("{{context.patientId}}", patientId);
            Response answer = get(query);
            assertThat(answer.status()).as("%s: %s", query, answer.body()).isEqualTo(200);
            assertThat(contents(fixture.path("prefetch").path(t.getKey())))
                    .as("prefetch '%s' of %s (regenerate the hook fixtures: test-fixtures/README.md)", t.getKey(), scenario)
                    .isEqualTo(contents(answer.json()));
        });
    }

    /** Type/id (with the search mode for a Bundle entry) of each resource in a prefetch value. */
    private static Set<String> contents(JsonNode value) {
        Set<String> out = new HashSet<>();
        if (value.path("resourceType").asText().equals("Bundle")) {
            value.path("entry").forEach(e -> out.add(e.path("resource").path("resourceType").asText() + "/"
                    + e.path("resource").path("id").asText() + " " + e.path("search").path("mode").asText()));
        } else {
            out.add(value.path("resourceType").asText() + "/" + value.path("id").asText());
        }
        return out;
    }
}
