package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Charts;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;

/**
 * Da Vinci DTR 2.0 {@code Questionnaire/$questionnaire-package}, which a DTR app calls first: for the coverage and the
 * order (or the Questionnaire named), the Questionnaire to complete, in a package Bundle inside Parameters, with the
 * CQL Libraries that pre-fill it from the chart.
 */
public interface QuestionnairePackageContract extends LetterContract {

    private ObjectNode input(Map<String, String> ids) {
        ObjectNode parameters = JSON.createObjectNode().put("resourceType", "Parameters");
        ArrayNode list = parameters.putArray("parameter");
        list.addObject().put("name", "coverage").set("resource", get("Coverage/" + ids.get("Coverage")).json());
        return parameters;
    }

    @Test
    default void questionnairePackageWhenOrderIsAKnownDrugThenItsPaQuestionnaireInAPackageBundle() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        ObjectNode parameters = input(ids);
        ((ArrayNode) parameters.path("parameter")).addObject().put("name", "order")
                .set("resource", get("MedicationRequest/" + ids.get("MedicationRequest")).json());

        Response r = post("Questionnaire/$questionnaire-package", parameters.toString());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode out = r.json();
        assertThat(out.path("resourceType").asText()).isEqualTo("Parameters");
        JsonNode pkg = out.path("parameter").get(0);
        assertThat(pkg.path("name").asText()).isEqualTo("PackageBundle");
        assertThat(pkg.path("resource").path("type").asText()).isEqualTo("collection");
        JsonNode questionnaire = pkg.path("resource").path("entry").get(0).path("resource");
        assertThat(questionnaire.path("resourceType").asText()).isEqualTo("Questionnaire");
        assertThat(questionnaire.path("url").asText()).endsWith("/Questionnaire/pa-alectinib");
        assertThat(get("metadata").body()).as("declared with DTR's definition")
                .contains("http://hl7.org/fhir/us/davinci-dtr/OperationDefinition/questionnaire-package");
    }

    @Test
    default void questionnairePackageWhenAskedByCanonicalThenThatQuestionnaire() {
        Map<String, String> ids = load(Scenarios.LAROTRECTINIB_CA.bundleJson());
        ObjectNode parameters = input(ids);
        ((ArrayNode) parameters.path("parameter")).addObject().put("name", "questionnaire")
                .put("valueCanonical", "http://overturn.example.org/fhir/Questionnaire/pa-larotrectinib");
        Response r = post("Questionnaire/$questionnaire-package", parameters.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("parameter").get(0).path("resource").path("entry").get(0).path("resource").path("url").asText())
                .isEqualTo("http://overturn.example.org/fhir/Questionnaire/pa-larotrectinib");
    }

    @Test
    default void questionnairePackageWhenNothingToPackageOrNoOrderThenAnOutcomeSaysWhy() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        ObjectNode unknown = input(ids);
        ((ArrayNode) unknown.path("parameter")).addObject().put("name", "questionnaire")
                .put("valueCanonical", "http://overturn.example.org/fhir/Questionnaire/no-such");
        Response r = post("Questionnaire/$questionnaire-package", unknown.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode first = r.json().path("parameter").get(0);
        assertThat(first.path("name").asText()).isEqualTo("operationOutcome");
        assertThat(first.path("resource").path("issue").get(0).path("diagnostics").asText()).contains("no-such");

        // dtr-1: at least one of order, questionnaire and context.
        Response none = post("Questionnaire/$questionnaire-package", input(ids).toString());
        assertThat(none.assertOutcome(400)).startsWith("OVT-400");
        assertThat(none.body()).contains("order").contains("questionnaire");
    }

    /** The package Bundle {@code $questionnaire-package} answers for the scenario's order. */
    private JsonNode packageFor(Map<String, String> ids) {
        ObjectNode parameters = input(ids);
        ((ArrayNode) parameters.path("parameter")).addObject().put("name", "order")
                .set("resource", get("MedicationRequest/" + ids.get("MedicationRequest")).json());
        Response r = post("Questionnaire/$questionnaire-package", parameters.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode pkg = r.json().path("parameter").get(0);
        assertThat(pkg.path("name").asText()).isEqualTo("PackageBundle");
        return pkg.path("resource");
    }

    /**
     * DTR 2.0.1 (specification.html, the package's Libraries; the checks of the Inferno DTR payer-server tests): the
     * package Bundle holds every Library the Questionnaire's {@code cqf-library} names, each with its CQL
     * ({@code text/cql}) and ELM ({@code application/elm+json}), names unique; the Questionnaire declares its launch
     * context and pre-fills its items with CQL initial expressions of the form {@code "Library"."Definition"} and its
     * repeating group through an item population context.
     */
    @Test
    default void questionnairePackageWhenReturnedThenItsLibrariesCarryCqlAndElmAndItsItemsCqlExpressions() {
        for (Scenario scenario : Scenarios.all()) {
            JsonNode bundle = packageFor(load(scenario.bundleJson()));
            Set<String> names = new HashSet<>();
            Set<String> urls = new HashSet<>();
            JsonNode questionnaire = null;
            for (JsonNode entry : bundle.path("entry")) {
                JsonNode resource = entry.path("resource");
                if (resource.path("resourceType").asText().equals("Questionnaire")) {
                    questionnaire = resource;
                    continue;
                }
                assertThat(resource.path("resourceType").asText()).isEqualTo("Library");
                assertThat(names.add(resource.path("name").asText())).as("unique Library names").isTrue();
                urls.add(resource.path("url").asText());
                List<String> types = new ArrayList<>();
                for (JsonNode content : resource.path("content")) {
                    assertThat(content.path("data").asText()).as(resource.path("name").asText()).isNotBlank();
                    types.add(content.path("contentType").asText());
                }
                assertThat(types).as(resource.path("name").asText()).containsExactlyInAnyOrder("text/cql", "application/elm+json");
            }
            assertThat(questionnaire).as(scenario.toString()).isNotNull();
            assertThat(names).as(scenario + ": the drug's Library and the common one").hasSize(2).contains("OverturnPaCommon");
            String library = null;
            boolean launchContext = false;
            for (JsonNode e : questionnaire.path("extension")) {
                if (e.path("url").asText().equals("http://hl7.org/fhir/StructureDefinition/cqf-library")) {
                    assertThat(urls).as("the cqf-library is in the package").contains(e.path("valueCanonical").asText());
                    library = e.path("valueCanonical").asText().replaceAll(".*/", "");
                }
                launchContext |= e.path("url").asText().endsWith("sdc-questionnaire-launchContext");
            }
            assertThat(library).as(scenario + ": cqf-library").isNotNull();
            assertThat(launchContext).as(scenario + ": launchContext").isTrue();
            List<JsonNode> expressions = new ArrayList<>();
            expressions(questionnaire.path("item"), expressions);
            assertThat(expressions).as(scenario + ": initial expressions and the population context").hasSizeGreaterThan(10);
            for (JsonNode expression : expressions) {
                if (expression.path("language").asText().equals("text/cql")) {
                    assertThat(expression.path("expression").asText()).as("a CQL expression names its Library")
                            .startsWith("\"" + library + "\".\"");
                }
            }
            assertThat(questionnaire.path("item").toString()).contains("sdc-questionnaire-itemPopulationContext");
        }
    }

    /**
     * What a DTR app pre-fills with the package's CQL is what Overturn pre-fills itself (the QuestionnaireResponse
     * stored with each letter), item by item, on every scenario's chart and every synthetic chart of test-fixtures
     * (charts written the way other labs and EHRs write them). The biomarker items and the diagnosis text are read
     * more closely by the server (negation and polarity in free text, which of several results decides, which
     * condition is the cancer) than a CQL definition does: for them the CQL must answer whenever the server does, not
     * necessarily in the same words.
     */
    @Test
    default void questionnairePackageWhenItsCqlRunsOnTheChartThenTheAnswersAreTheServersOwnPrefill() {
        List<String> same = List.of("patient-name", "birth-date", "member-id", "ecog", "requested-drug", "dosing", "urgent",
                "prescriber-name", "prescriber-npi");
        List<String> answeredAlike = List.of("diagnosis-text", "biomarker-result", "biomarker-method", "biomarker-date");
        Map<String, String> charts = new LinkedHashMap<>();
        Scenarios.all().forEach(scenario -> charts.put(scenario.toString(), scenario.bundleJson()));
        Charts.all().forEach(chart -> charts.put(chart.toString(), chart.bundleJson()));
        List<String> differences = new ArrayList<>();
        List<Map<String, String>> therapies = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, String> chart : charts.entrySet()) {
            Map<String, String> ids = load(chart.getValue());
            Response letter = generate(claim(ids, "preauthorization"), "medical-necessity");
            assertThat(letter.status()).as(chart.getKey() + ": " + letter.body()).isEqualTo(200);
            String responseRef = null;
            for (JsonNode related : letter.json().path("context").path("related")) {
                if (related.path("reference").asText().startsWith("QuestionnaireResponse/")) {
                    responseRef = related.path("reference").asText();
                }
            }
            assertThat(responseRef).as(chart.getKey() + ": the server's pre-filled response").isNotNull();
            Map<String, String> server = new LinkedHashMap<>();
            List<Map<String, String>> serverTherapies = new ArrayList<>();
            answers(get(responseRef).json().path("item"), server, serverTherapies);

            DtrPrefill.Answers cql = DtrPrefill.fill(packageFor(ids), chart(ids));

            for (String linkId : same) {
                if (!java.util.Objects.equals(cql.items().get(linkId), server.get(linkId))) {
                    differences.add(chart.getKey() + " " + linkId + ": CQL " + cql.items().get(linkId) + ", server " + server.get(linkId));
                }
                compared++;
            }
            if (!codes(cql.items().get("diagnosis-icd10")).equals(codes(server.get("diagnosis-icd10")))) {
                differences.add(chart.getKey() + " diagnosis-icd10: CQL " + cql.items().get("diagnosis-icd10") + ", server "
                        + server.get("diagnosis-icd10"));
            }
            for (String linkId : answeredAlike) {
                if (server.containsKey(linkId) && !cql.items().containsKey(linkId)) {
                    differences.add(chart.getKey() + " " + linkId + ": CQL none, server " + server.get(linkId));
                }
            }
            if (!new HashSet<>(cql.therapies()).equals(new HashSet<>(serverTherapies))) {
                differences.add(chart.getKey() + " prior therapies: CQL " + cql.therapies() + ", server " + serverTherapies);
            }
            therapies.addAll(cql.therapies());
        }
        // A report whose text is only in its attached document (presentedForm): CQL has no way to decode an
        // attachment, so the practice types that result in; the server reads the attachment.
        List<String> known = List.of("ntrk-presented-form-only biomarker-result", "ntrk-presented-form-only biomarker-date");
        assertThat(differences).as("where a DTR app's pre-filling and the server's differ")
                .allMatch(d -> known.stream().anyMatch(d::startsWith), "is a known difference");
        assertThat(known).as("each known difference still happens (remove it once it does not)")
                .allMatch(k -> differences.stream().anyMatch(d -> d.startsWith(k)), "still happens");
        assertThat(compared).isEqualTo(same.size() * charts.size());
        assertThat(therapies).as("prior therapies with their dates and why each stopped, compared above")
                .anyMatch(t -> t.containsKey("therapy-start") && t.containsKey("therapy-end") && t.containsKey("therapy-stop-reason"));
    }

    /** The chart as a DTR app reads it: the patient, its compartment's records and the prescribers its orders name. */
    private List<IBaseResource> chart(Map<String, String> ids) {
        String patient = ids.get("Patient");
        List<IBaseResource> chart = new ArrayList<>();
        chart.add(DtrPrefill.parse(get("Patient/" + patient).json()));
        for (String type : List.of("Coverage", "Condition", "Observation", "DiagnosticReport", "MedicationStatement",
                "MedicationRequest")) {
            for (JsonNode entry : get("Patient/" + patient + "/" + type + "?_count=500").json().path("entry")) {
                chart.add(DtrPrefill.parse(entry.path("resource")));
                String requester = entry.path("resource").path("requester").path("reference").asText();
                if (requester.startsWith("Practitioner/")) {
                    chart.add(DtrPrefill.parse(get(requester).json()));
                }
            }
        }
        return chart;
    }

    /** A QuestionnaireResponse's answers as text, by linkId; each prior-therapy group apart. */
    private static void answers(JsonNode items, Map<String, String> out, List<Map<String, String>> therapies) {
        for (JsonNode item : items) {
            if (item.path("linkId").asText().equals("prior-therapy")) {
                Map<String, String> group = new LinkedHashMap<>();
                answers(item.path("item"), group, therapies);
                if (!group.isEmpty()) {
                    therapies.add(group);
                }
                continue;
            }
            JsonNode answer = item.path("answer").path(0);
            answer.fieldNames().forEachRemaining(field -> {
                if (field.startsWith("value")) {
                    out.put(item.path("linkId").asText(), answer.path(field).asText());
                }
            });
            answers(item.path("item"), out, therapies);
        }
    }

    /** The valueExpression of every SDC expression extension on the items, nested ones too. */
    private static void expressions(JsonNode items, List<JsonNode> out) {
        for (JsonNode item : items) {
            for (JsonNode e : item.path("extension")) {
                if (e.path("url").asText().startsWith("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-")
                        && e.has("valueExpression")) {
                    out.add(e.path("valueExpression"));
                }
            }
            expressions(item.path("item"), out);
        }
    }

    private static Set<String> codes(String joined) {
        return joined == null ? Set.of() : new HashSet<>(List.of(joined.split(", ")));
    }
}
