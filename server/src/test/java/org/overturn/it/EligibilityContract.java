package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.overturn.eligibility.EligibilityExtensions;
import org.overturn.workflow.AppealProfiles;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * CoverageEligibilityRequest/$submit end to end over HTTP: every scenario chart and its variants, from
 * test-fixtures, against their expected outcome files.
 */
public interface EligibilityContract extends FhirHttp {

    /** A chart (transaction Bundle) and the outcome expected for it. */
    record Case(String bundle, JsonNode expected) {}

    static Stream<Arguments> cases() throws IOException {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        List<Arguments> out = new ArrayList<>();
        Resource[] expected = resolver.getResources("classpath*:scenarios/**/expected.json");
        for (Resource file : expected) {
            String url = file.getURL().toString();
            String name = url.substring(url.indexOf("scenarios/") + "scenarios/".length(), url.lastIndexOf("/expected.json"));
            Resource bundle = file.createRelative("bundle.json");
            out.add(Arguments.of(Named.of(name, new Case(read(bundle), JSON.readTree(read(file))))));
        }
        out.sort((a, b) -> a.get()[0].toString().compareTo(b.get()[0].toString()));
        assertThat(out).as("scenario expected.json files").isNotEmpty();
        return out.stream();
    }

    private static String read(Resource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Loads a chart and returns the assigned ids by type (first of each type, MedicationRequest included). */
    default String submitBody(String patientId, String coverageId, JsonNode product) {
        ObjectNode request = JSON.createObjectNode();
        request.put("resourceType", "CoverageEligibilityRequest");
        request.put("status", "active");
        request.putArray("purpose").add("auth-requirements");
        request.putObject("patient").put("reference", "Patient/" + patientId);
        request.put("created", "2026-12-01");
        ((ObjectNode) request.putArray("insurance").addObject().putObject("coverage")).put("reference", "Coverage/" + coverageId);
        ((ArrayNode) request.putArray("item")).addObject().set("productOrService", product);
        return request.toString();
    }

    default Response submit(Map<String, String> ids) {
        JsonNode order = get("MedicationRequest/" + ids.get("MedicationRequest")).json();
        return post("CoverageEligibilityRequest/$submit",
                submitBody(ids.get("Patient"), ids.get("Coverage"), order.path("medicationCodeableConcept")));
    }

    static JsonNode extension(JsonNode element, String url) {
        for (JsonNode e : element.path("extension")) {
            if (e.path("url").asText().equals(url)) {
                return e;
            }
        }
        return JSON.missingNode();
    }

    static String sub(JsonNode extension, String name) {
        for (JsonNode e : extension.path("extension")) {
            if (e.path("url").asText().equals(name)) {
                for (String field : List.of("valueCode", "valueString", "valueBoolean", "valueInteger")) {
                    if (e.has(field)) {
                        return e.path(field).asText();
                    }
                }
            }
        }
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.overturn.it.EligibilityContract#cases")
    default void submitWhenChartLoadedThenCriteriaMatchTheExpectedOutcome(Case c) {
        Response r = submit(load(c.bundle()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode response = r.json();
        assertThat(response.path("resourceType").asText()).isEqualTo("CoverageEligibilityResponse");
        JsonNode assessment = extension(response, EligibilityExtensions.ASSESSMENT);
        assertThat(sub(assessment, "status")).as(r.body()).isEqualTo(c.expected().path("outcome").asText());
        assertThat(sub(assessment, "policy")).isEqualTo(c.expected().path("policy").asText());

        JsonNode item = response.path("insurance").get(0).path("item").get(0);
        assertThat(item.path("authorizationRequired").asBoolean()).isEqualTo(c.expected().path("paRequired").asBoolean());
        // The requirements link points at the drug's PA Questionnaire, which this server serves.
        String questionnaire = item.path("authorizationUrl").asText();
        assertThat(questionnaire).startsWith("http://overturn.example.org/fhir/Questionnaire/pa-");
        assertThat(get("Questionnaire?url=" + questionnaire).json().path("total").asInt()).isEqualTo(1);
        Map<String, String> statuses = new LinkedHashMap<>();
        for (JsonNode e : item.path("extension")) {
            if (e.path("url").asText().equals(EligibilityExtensions.CRITERION)) {
                statuses.put(sub(e, "id"), sub(e, "status"));
                for (JsonNode evidence : e.path("extension")) {
                    if (evidence.path("url").asText().equals("evidence")) {
                        assertThat(get(evidence.path("valueReference").path("reference").asText()).status())
                                .as("evidence %s resolves", evidence).isEqualTo(200);
                    }
                }
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        c.expected().path("criteria").fields().forEachRemaining(f -> expected.put(f.getKey(), f.getValue().asText()));
        assertThat(statuses).as(r.body()).isEqualTo(expected);

        List<String> missing = new ArrayList<>();
        for (JsonNode e : item.path("extension")) {
            if (e.path("url").asText().equals(EligibilityExtensions.MISSING_DOCUMENTATION)) {
                missing.add(e.path("valueString").asText());
            }
        }
        List<String> expectedMissing = new ArrayList<>();
        c.expected().path("missingDocumentation").forEach(m -> expectedMissing.add(m.asText()));
        assertThat(missing).isEqualTo(expectedMissing);

        // The response is stored, and points at the stored request.
        String id = response.path("id").asText();
        assertThat(get("CoverageEligibilityResponse/" + id).status()).isEqualTo(200);
        assertThat(get(response.path("request").path("reference").asText()).status()).isEqualTo(200);
    }

    @Test
    default void submitWhenRequestLacksPatientCoverageOrDrugThen422AndNothingStored() {
        Map<String, String> ids = load(org.overturn.fixtures.Scenarios.ALECTINIB_CA.bundleJson());
        String before = get("CoverageEligibilityRequest?_summary=count").json().path("total").asText();
        Response r = post("CoverageEligibilityRequest/$submit",
                "{\"resourceType\":\"CoverageEligibilityRequest\",\"status\":\"active\",\"purpose\":[\"auth-requirements\"],"
                        + "\"created\":\"2026-12-01\",\"insurer\":{\"reference\":\"Organization/x\"}}");
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(r.body()).contains("CoverageEligibilityRequest.patient").contains("insurance[0].coverage").contains("productOrService");
        assertThat(get("CoverageEligibilityRequest?_summary=count").json().path("total").asText()).isEqualTo(before);

        Response missingPatient = post("CoverageEligibilityRequest/$submit",
                submitBody("no-such-patient", ids.get("Coverage"), JSON.createObjectNode().put("text", "alectinib")));
        assertThat(missingPatient.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(missingPatient.body()).contains("Patient/no-such-patient");
    }

    @Test
    default void submitWhenDrugUnknownThenUnknownWithTheReason() {
        Map<String, String> ids = load(org.overturn.fixtures.Scenarios.ALECTINIB_CA.bundleJson());
        ObjectNode product = JSON.createObjectNode();
        product.putArray("coding").addObject().put("system", "http://www.nlm.nih.gov/research/umls/rxnorm").put("code", "0000000");
        product.put("text", "aspirin 81 mg");
        Response r = post("CoverageEligibilityRequest/$submit", submitBody(ids.get("Patient"), ids.get("Coverage"), product));
        assertThat(r.status()).isEqualTo(200);
        JsonNode assessment = extension(r.json(), EligibilityExtensions.ASSESSMENT);
        assertThat(sub(assessment, "status")).isEqualTo("unknown");
        assertThat(sub(assessment, "reason")).contains("not a drug Overturn knows").contains("aspirin");
    }

    @Test
    default void submitWhenPayerUnknownThenUnknownAndNoOtherPayersRules() {
        String org = create("Organization", "{\"resourceType\":\"Organization\",\"name\":\"Acme Health Plan\"}");
        String patient = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Payer\"}]}");
        String coverage = create("Coverage", "{\"resourceType\":\"Coverage\",\"status\":\"active\",\"beneficiary\":{\"reference\":\"Patient/"
                + patient + "\"},\"payor\":[{\"reference\":\"Organization/" + org + "\"}]}");
        Response r = post("CoverageEligibilityRequest/$submit",
                submitBody(patient, coverage, JSON.createObjectNode().put("text", "Alecensa (alectinib) 150 mg")));
        assertThat(r.status()).isEqualTo(200);
        JsonNode assessment = extension(r.json(), EligibilityExtensions.ASSESSMENT);
        assertThat(sub(assessment, "status")).isEqualTo("unknown");
        assertThat(sub(assessment, "reason")).contains("Acme Health Plan").contains("no other payer");
        assertThat(extension(r.json().path("insurance").get(0).path("item").get(0), EligibilityExtensions.CRITERION).isMissingNode()).isTrue();
    }

    @Test
    default void submitWhenCoverageHasNoPayorThen422() {
        String patient = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"NoPayor\"}]}");
        String coverage = create("Coverage", "{\"resourceType\":\"Coverage\",\"status\":\"active\",\"beneficiary\":{\"reference\":\"Patient/"
                + patient + "\"},\"payor\":[{\"display\":\"somebody\"}]}");
        Response r = post("CoverageEligibilityRequest/$submit",
                submitBody(patient, coverage, JSON.createObjectNode().put("text", "alectinib")));
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422");
        assertThat(r.body()).contains("Coverage.payor");
    }

    @Test
    default void submitWhenAlecensaUnderDmhcThenThePaDecisionClocksStandardAndExpeditedCountFromCreated() {
        Response r = submit(load(org.overturn.fixtures.Scenarios.ALECTINIB_CA.bundleJson()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode response = r.json();
        Map<String, JsonNode> clocks = new LinkedHashMap<>();
        for (JsonNode e : response.path("insurance").get(0).path("item").get(0).path("extension")) {
            if (e.path("url").asText().equals(AppealProfiles.DEADLINE)) {
                assertThat(clocks.put(sub(e, "urgency"), e)).as("one clock per urgency: %s", r.body()).isNull();
            }
        }
        assertThat(clocks.keySet()).as(r.body()).containsExactly("standard", "expedited");
        OffsetDateTime created = OffsetDateTime.parse(response.path("created").asText());
        // A California HMO is under DMHC: 72 hours, 24 when exigent (CA H&S 1367.241), from receipt.
        Map<String, Integer> hours = Map.of("standard", 72, "expedited", 24);
        Map<String, String> rules = Map.of("standard", "CA-DMHC rxPriorAuth.standard", "expedited", "CA-DMHC rxPriorAuth.exigent");
        clocks.forEach((urgency, clock) -> {
            assertThat(sub(clock, "kind")).isEqualTo("decision");
            assertThat(sub(clock, "step")).isEqualTo("initial-decision");
            assertThat(sub(clock, "regime")).isEqualTo("ca-dmhc CA");
            assertThat(sub(clock, "rule")).isEqualTo(rules.get(urgency));
            assertThat(sub(clock, "verification")).isEqualTo("verified");
            assertThat(sub(clock, "actOn")).isEqualTo("true");
            assertThat(OffsetDateTime.parse(date(clock, "from")).toInstant()).isEqualTo(created.toInstant());
            assertThat(Duration.between(created, OffsetDateTime.parse(date(clock, "due")))).as(urgency)
                    .isEqualTo(Duration.ofHours(hours.get(urgency)));
        });
        // Stored as answered.
        JsonNode stored = get("CoverageEligibilityResponse/" + response.path("id").asText()).json();
        assertThat(stored.path("insurance").get(0).path("item").get(0).toString()).contains(AppealProfiles.DEADLINE)
                .contains("rxPriorAuth.exigent");
    }

    private static String date(JsonNode extension, String name) {
        for (JsonNode e : extension.path("extension")) {
            if (e.path("url").asText().equals(name)) {
                return e.path("valueDateTime").asText();
            }
        }
        throw new AssertionError("no " + name + " in " + extension);
    }
}
