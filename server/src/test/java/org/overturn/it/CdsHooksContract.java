package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;

/** CDS Hooks over HTTP: discovery, order-sign with full prefetch, the investigational pathway, and the error forms. */
public interface CdsHooksContract extends FhirHttp {

    default String cds() {
        return base().replace("/fhir", "/cds-services");
    }

    /** A hook call whose prefetch is the scenario's chart (ids assigned, as an EHR would have them). */
    default String hookRequest(Scenario scenario, String hook) {
        return hookRequest(scenario, hook, "");
    }

    /** As above, with every id prefixed, so that tests sharing the EHR answer cache do not see each other's charts. */
    default String hookRequest(Scenario scenario, String hook, String idPrefix) {
        Bundle tx = CTX.newJsonParser().parseResource(Bundle.class, scenario.bundleJson());
        Map<String, String> ids = new HashMap<>();
        int n = 0;
        for (Bundle.BundleEntryComponent e : tx.getEntry()) {
            String id = idPrefix + e.getResource().fhirType().toLowerCase(java.util.Locale.ROOT) + "-" + (++n);
            ids.put(e.getFullUrl(), e.getResource().fhirType() + "/" + id);
            e.getResource().setId(id);
        }
        Map<String, Bundle> byKey = new HashMap<>();
        String patientId = null;
        Resource patient = null;
        Bundle draftOrders = new Bundle().setType(Bundle.BundleType.COLLECTION);
        for (Bundle.BundleEntryComponent e : tx.getEntry()) {
            Resource r = e.getResource();
            for (Reference ref : CTX.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
                if (ids.containsKey(ref.getReference())) {
                    ref.setReference(ids.get(ref.getReference()));
                }
            }
            String key = switch (r.fhirType()) {
                case "Coverage", "Organization" -> "coverage";
                case "Condition" -> "conditions";
                case "Observation" -> "biomarkers";
                case "MedicationStatement" -> "medicationStatements";
                default -> null;
            };
            if (r.fhirType().equals("Patient")) {
                patient = r;
                patientId = r.getIdElement().getIdPart();
            } else if (r instanceof MedicationRequest order) {
                order.setStatus(MedicationRequest.MedicationRequestStatus.DRAFT);
                draftOrders.addEntry().setResource(order);
            } else if (key != null && !(r.fhirType().equals("Organization") && !isPayer(tx, r))) {
                byKey.computeIfAbsent(key, k -> new Bundle().setType(Bundle.BundleType.SEARCHSET)).addEntry().setResource(r);
            }
        }
        ObjectNode request = JSON.createObjectNode();
        request.put("hook", hook);
        request.put("hookInstance", java.util.UUID.randomUUID().toString());
        ObjectNode context = request.putObject("context");
        context.put("userId", "Practitioner/example");
        context.put("patientId", patientId);
        context.set("draftOrders", tree(CTX.newJsonParser().encodeResourceToString(draftOrders)));
        ObjectNode prefetch = request.putObject("prefetch");
        prefetch.set("patient", tree(CTX.newJsonParser().encodeResourceToString(patient)));
        byKey.forEach((k, b) -> prefetch.set(k, tree(CTX.newJsonParser().encodeResourceToString(b))));
        return request.toString();
    }

    private static boolean isPayer(Bundle tx, Resource org) {
        return tx.getEntry().stream().anyMatch(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Coverage c
                && c.getPayorFirstRep().getReference() != null
                && c.getPayorFirstRep().getReference().endsWith(org.getIdElement().getIdPart()));
    }

    static JsonNode tree(String s) {
        try {
            return JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Puts {@code order} as the prefetch's only medicationRequests entry (a searchset Bundle). */
    static void prefetchOrders(ObjectNode request, ObjectNode order) {
        ObjectNode bundle = ((ObjectNode) request.path("prefetch")).putObject("medicationRequests");
        bundle.put("resourceType", "Bundle").put("type", "searchset");
        bundle.putArray("entry").addObject().set("resource", order);
    }

    default Response hook(String service, String body) {
        return send("POST", cds() + "/" + service, "application/json", body);
    }

    static String ext(JsonNode extension, String name) {
        for (JsonNode e : extension.path("extension")) {
            if (e.path("url").asText().equals(name)) {
                for (String f : java.util.List.of("valueCode", "valueString", "valueCanonical", "valueDate")) {
                    if (e.has(f)) {
                        return e.path(f).asText();
                    }
                }
            }
        }
        return null;
    }

    @Test
    default void discoveryWhenFetchedThenListsTheServicesWithPrefetchTemplates() {
        Response r = get(cds());
        assertThat(r.status()).isEqualTo(200);
        JsonNode services = r.json().path("services");
        assertThat(services).hasSize(3);
        for (JsonNode s : services) {
            assertThat(s.path("hook").asText()).isIn("order-select", "order-sign", "patient-view");
            assertThat(s.path("id").asText()).isNotBlank();
            assertThat(s.path("description").asText()).isNotBlank();
            assertThat(s.path("prefetch").path("patient").asText()).isEqualTo("Patient/{{context.patientId}}");
        }
        assertThat(services.get(0).path("prefetch").path("biomarkers").asText()).contains("76042-8").contains("14017-8")
                .contains("21908-9").contains("21907-1").contains("21889-1").contains("21906-3");
    }

    @Test
    default void orderSignWhenChartMeetsCriteriaThenInfoCardAndStableCoverageInformation() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-sign");
        Response r = hook("overturn-order-sign", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode card = r.json().path("cards").get(0);
        assertThat(card.path("summary").asText()).contains("requires PA").contains("Alecensa").contains("5 of 5 criteria met");
        assertThat(card.path("summary").asText().length()).isLessThan(140);
        assertThat(card.path("indicator").asText()).isEqualTo("info");
        assertThat(card.path("source").path("label").asText()).isEqualTo("Overturn");
        assertThat(card.path("detail").asText()).contains("ALK");

        JsonNode action = r.json().path("systemActions").get(0);
        assertThat(action.path("type").asText()).isEqualTo("update");
        JsonNode order = action.path("resource");
        assertThat(order.path("resourceType").asText()).isEqualTo("MedicationRequest");
        JsonNode info = order.path("extension").get(0);
        assertThat(info.path("url").asText()).isEqualTo("http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information");
        assertThat(ext(info, "covered")).isEqualTo("covered");
        assertThat(ext(info, "pa-needed")).isEqualTo("auth-needed");
        assertThat(ext(info, "doc-needed")).as("the PA questionnaire is the documentation PA needs").isEqualTo("clinical");
        assertThat(ext(info, "questionnaire")).endsWith("/Questionnaire/pa-alectinib");
        String assertion = ext(info, "coverage-assertion-id");
        assertThat(assertion).isNotBlank();

        JsonNode again = hook("overturn-order-sign", body).json().path("systemActions").get(0).path("resource").path("extension").get(0);
        assertThat(ext(again, "coverage-assertion-id")).isEqualTo(assertion);
    }

    /**
     * Da Vinci CRD 2.x on every answer order-select and order-sign give for every scenario, with its chart whole and
     * with its biomarker results left out. Cards (CDS Hooks 2.0, CRD card rules): a summary under 140 characters, an
     * indicator of info, warning or critical, a source with a label and CRD's card type as topic; links with a label,
     * a URL and type absolute or smart, appContext on smart links only. System actions with a type and a description.
     * The coverage-information extension's invariants: a questionnaire only with doc-needed (crd-ci-q1), no pa-needed
     * when not covered (crd-ci-q2), info-needed exactly when something is conditional (crd-ci-q3), satisfied-pa-id
     * exactly when pa-needed is satisfied (crd-ci-q5); coverage, covered, date and coverage-assertion-id always.
     */
    @Test
    default void orderHooksWhenAnyScenarioThenEveryCardAndCoverageInformationHasCrdsShape() {
        int checked = 0;
        for (Scenario scenario : Scenarios.all()) {
            for (String hook : java.util.List.of("order-select", "order-sign")) {
                for (boolean withBiomarkers : new boolean[] {true, false}) {
                    ObjectNode request = (ObjectNode) tree(hookRequest(scenario, hook));
                    if (!withBiomarkers) {
                        ((ObjectNode) request.path("prefetch")).remove("biomarkers");
                    }
                    Response r = hook("overturn-" + hook, request.toString());
                    String where = scenario + " " + hook + (withBiomarkers ? "" : " without biomarkers");
                    assertThat(r.status()).as(where + ": " + r.body()).isEqualTo(200);
                    assertThat(r.json().path("cards").isArray()).as(where).isTrue();
                    assertThat(r.json().path("systemActions").isArray()).as(where).isTrue();
                    for (JsonNode card : r.json().path("cards")) {
                        assertHasCrdCardShape(where + ": " + card, card);
                    }
                    for (JsonNode action : r.json().path("systemActions")) {
                        assertThat(action.path("type").asText()).as(where).isIn("create", "update", "delete");
                        assertThat(action.path("description").asText()).as(where).isNotBlank();
                        for (JsonNode info : action.path("resource").path("extension")) {
                            if (info.path("url").asText().equals(CRD_COVERAGE_INFORMATION)) {
                                assertKeepsCrdInvariants(where + ": " + info, info);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).as("coverage-information extensions checked").isGreaterThanOrEqualTo(2 * Scenarios.all().size());
    }

    String CRD_COVERAGE_INFORMATION = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    private static void assertHasCrdCardShape(String where, JsonNode card) {
        assertThat(card.path("summary").asText()).as(where).isNotBlank().hasSizeLessThan(140);
        assertThat(card.path("indicator").asText()).as(where).isIn("info", "warning", "critical");
        assertThat(card.path("source").path("label").asText()).as(where).isNotBlank();
        assertThat(card.path("source").path("topic").path("system").asText()).as(where)
                .isEqualTo("http://terminology.hl7.org/CodeSystem/cdshooks-card-type");
        assertThat(card.path("source").path("topic").path("code").asText()).as(where).isEqualTo("coverage-info");
        for (JsonNode link : card.path("links")) {
            assertThat(link.path("label").asText()).as(where).isNotBlank();
            assertThat(java.net.URI.create(link.path("url").asText()).isAbsolute()).as(where).isTrue();
            assertThat(link.path("type").asText()).as(where).isIn("absolute", "smart");
            if (link.has("appContext")) {
                assertThat(link.path("type").asText()).as("appContext only on smart links: " + where).isEqualTo("smart");
            }
        }
    }

    private static void assertKeepsCrdInvariants(String where, JsonNode info) {
        java.util.Set<String> present = new java.util.HashSet<>();
        info.path("extension").forEach(e -> present.add(e.path("url").asText()));
        assertThat(present).as(where).contains("coverage", "covered", "date", "coverage-assertion-id");
        if (present.contains("questionnaire")) {
            assertThat(ext(info, "doc-needed")).as("crd-ci-q1 " + where).isNotNull().isNotEqualTo("no-doc");
        }
        if ("not-covered".equals(ext(info, "covered"))) {
            assertThat(present).as("crd-ci-q2 " + where).doesNotContain("pa-needed");
        }
        boolean conditional = java.util.stream.Stream.of("covered", "pa-needed", "doc-needed")
                .anyMatch(name -> "conditional".equals(ext(info, name)));
        assertThat(present.contains("info-needed")).as("crd-ci-q3 " + where).isEqualTo(conditional);
        assertThat(present.contains("satisfied-pa-id")).as("crd-ci-q5 " + where)
                .isEqualTo("satisfied".equals(ext(info, "pa-needed")));
    }

    @Test
    default void orderSignWhenDrugIsInvestigationalThenPathwayCardAndNotCovered() {
        Response r = hook("overturn-order-sign", hookRequest(Scenarios.ZANZALINTINIB_GA, "order-sign"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode card = r.json().path("cards").get(0);
        assertThat(card.path("summary").asText()).contains("investigational").contains("clinical trial or expanded access");
        assertThat(card.path("indicator").asText()).isEqualTo("warning");
        assertThat(card.path("detail").asText()).contains("Form FDA 3926");
        JsonNode info = r.json().path("systemActions").get(0).path("resource").path("extension").get(0);
        assertThat(ext(info, "covered")).isEqualTo("not-covered");
        assertThat(ext(info, "pa-needed")).as("crd-ci-q2").isNull();
    }

    @Test
    default void orderSelectWhenBiomarkerMissingThenWarningNamesTheMissingReport() {
        String body = hookRequest(Scenarios.ALECTINIB_CA, "order-select");
        ObjectNode request = (ObjectNode) tree(body);
        ((ObjectNode) request.path("prefetch")).remove("biomarkers");
        Response r = hook("overturn-order-select", request.toString());
        assertThat(r.status()).isEqualTo(200);
        JsonNode card = r.json().path("cards").get(0);
        assertThat(card.path("indicator").asText()).isEqualTo("warning");
        assertThat(card.path("detail").asText()).contains("ALK test report");
        assertThat(ext(r.json().path("systemActions").get(0).path("resource").path("extension").get(0), "doc-needed")).isEqualTo("clinical");
    }

    /**
     * Da Vinci CRD 2.0.1, cards.html, External Reference: a CRD service SHALL support the response type, a card whose
     * links are all of type absolute (the check of the Inferno CRD server suite). Each specialty drug's published pages
     * (drugs.yaml references) come once per call, after the cards about the orders; an ordinary order brings none.
     */
    @Test
    default void orderHooksWhenASpecialtyDrugIsOrderedThenAnExternalReferenceCardLinksItsPublishedPages() {
        for (String hook : java.util.List.of("order-select", "order-sign")) {
            Response r = hook("overturn-" + hook, hookRequest(Scenarios.ALECTINIB_CA, hook, "ext-" + unique() + "-"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode cards = r.json().path("cards");
            assertThat(cards.get(0).path("summary").asText()).contains("Alecensa").contains("criteria met");
            JsonNode sources = cards.get(cards.size() - 1);
            assertHasCrdCardShape(hook + ": " + sources, sources);
            assertThat(sources.path("summary").asText()).isEqualTo("Published sources for Alecensa (alectinib)");
            assertThat(sources.path("suggestions")).as("an External Reference card suggests nothing").isEmpty();
            List<String> urls = new ArrayList<>();
            for (JsonNode link : sources.path("links")) {
                assertThat(link.path("type").asText()).as(link.toString()).isEqualTo("absolute");
                assertThat(link.path("label").asText()).as(link.toString()).isNotBlank().doesNotContain(".yaml").doesNotContain("UNVERIFIED");
                assertThat(link.has("appContext")).as(link.toString()).isFalse();
                urls.add(link.path("url").asText());
            }
            assertThat(urls).as(sources.toString()).contains(
                    "https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=alecensa",
                    "https://clinicaltrials.gov/study/NCT02075840");
        }
        // The investigational drug: its trials, where the access route starts.
        JsonNode cards = hook("overturn-order-sign", hookRequest(Scenarios.ZANZALINTINIB_GA, "order-sign", "ext-" + unique() + "-"))
                .json().path("cards");
        assertThat(cards.get(cards.size() - 1).path("links").get(0).path("url").asText())
                .isEqualTo("https://clinicaltrials.gov/search?intr=zanzalintinib");
    }

    /** CDS Hooks 2.0: a response always carries cards, an empty array when there is nothing to say. */
    @Test
    default void orderSignWhenTheOrderIsNoSpecialtyDrugThenNoCardButAnEmptyCardsArray() {
        ObjectNode request = (ObjectNode) tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "plain-" + unique() + "-"));
        ObjectNode order = (ObjectNode) request.path("context").path("draftOrders").path("entry").get(0).path("resource");
        order.putObject("medicationCodeableConcept").put("text", "lisinopril 10 mg tablet").putArray("coding").addObject()
                .put("system", "http://www.nlm.nih.gov/research/umls/rxnorm").put("code", "314076");
        Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().has("cards")).as(r.body()).isTrue();
        assertThat(r.json().path("cards").isArray()).isTrue();
        assertThat(r.json().path("cards")).as("no 'cannot assess' card on ordinary prescriptions").isEmpty();
    }

    /** The hook is about context.draftOrders: a prefetch copy of the same order (another status) does not hide it. */
    @Test
    default void orderSignWhenPrefetchHoldsTheSameOrderIdThenTheDraftIsStillAssessed() {
        ObjectNode request = (ObjectNode) tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "dup-" + unique() + "-"));
        ObjectNode draft = (ObjectNode) request.path("context").path("draftOrders").path("entry").get(0).path("resource");
        ObjectNode copy = draft.deepCopy();
        copy.put("status", "active");
        prefetchOrders(request, copy);
        Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards").get(0).path("summary").asText()).contains("Alecensa");
        assertThat(r.json().path("systemActions").get(0).path("resource").path("id").asText()).isEqualTo(draft.path("id").asText());
    }

    /** Found by the long fuzz run: a prefetch order without an id (a 500 before) is read; the draft is still assessed. */
    @Test
    default void orderSignWhenPrefetchHoldsAnOrderWithoutIdThenTheDraftIsStillAssessed() {
        ObjectNode request = (ObjectNode) tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "noid-" + unique() + "-"));
        ObjectNode copy = ((ObjectNode) request.path("context").path("draftOrders").path("entry").get(0).path("resource")).deepCopy();
        copy.remove("id");
        prefetchOrders(request, copy);
        Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("cards").get(0).path("summary").asText()).contains("Alecensa");
    }

    /** Found by the long fuzz run: a reference to a contained resource that is not there is the caller's error (400). */
    @Test
    default void orderSignWhenTheDraftRefersToAMissingContainedResourceThen400() {
        ObjectNode request = (ObjectNode) tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign", "cont-" + unique() + "-"));
        ObjectNode draft = (ObjectNode) request.path("context").path("draftOrders").path("entry").get(0).path("resource");
        draft.putArray("reasonReference").addObject().put("reference", "#missing");
        Response r = hook("overturn-order-sign", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("bad-request");
        assertThat(r.json().path("message").asText()).contains("#missing");
    }

    /** patient-view has no draft orders: it speaks of the patient's current specialty-drug orders. */
    @Test
    default void patientViewWhenTheChartHasAnActiveSpecialtyDrugOrderThenACardForIt() {
        ObjectNode request = (ObjectNode) tree(hookRequest(Scenarios.ALECTINIB_CA, "patient-view", "pv-" + unique() + "-"));
        ObjectNode context = (ObjectNode) request.path("context");
        ObjectNode order = (ObjectNode) context.path("draftOrders").path("entry").get(0).path("resource");
        order.put("status", "active");
        ObjectNode bundle = ((ObjectNode) request.path("prefetch")).putObject("medicationRequests");
        bundle.put("resourceType", "Bundle").put("type", "searchset");
        bundle.putArray("entry").addObject().set("resource", order.deepCopy());
        context.remove("draftOrders");
        Response r = hook("overturn-patient-view", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode cards = r.json().path("cards");
        assertThat(cards.get(0).path("summary").asText()).contains("Alecensa");
        assertThat(cards.get(cards.size() - 1).path("summary").asText()).as(r.body()).isEqualTo("Published sources for Alecensa (alectinib)");
    }

    @Test
    default void hookWhenMalformedOrIncompleteThen400WithJsonErrorAndUnknownServiceThen404() {
        Response malformed = hook("overturn-order-sign", "{\"hook\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").asText()).isEqualTo("bad-request");

        Response noInstance = hook("overturn-order-sign", "{\"hook\":\"order-sign\",\"context\":{\"patientId\":\"p\"}}");
        assertThat(noInstance.status()).isEqualTo(400);
        assertThat(noInstance.json().path("message").asText()).contains("hookInstance");

        Response wrongHook = hook("overturn-order-sign", "{\"hook\":\"patient-view\",\"hookInstance\":\"x\",\"context\":{\"patientId\":\"p\"}}");
        assertThat(wrongHook.status()).isEqualTo(400);

        Response unknown = hook("no-such-service", "{\"hook\":\"order-sign\",\"hookInstance\":\"x\",\"context\":{}}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("Exception");
    }

    @Test
    default void hookWhenPrefetchLacksThePatientThenADegradedCardNotAnError() {
        Response r = hook("overturn-order-sign",
                "{\"hook\":\"order-sign\",\"hookInstance\":\"x\",\"context\":{\"patientId\":\"p1\",\"userId\":\"Practitioner/1\"}}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("cards").get(0).path("summary").asText()).contains("could not check");
    }

    /**
     * A client's prefetch holding other types than its template asks for: left out and named, as an EHR's answer of
     * the wrong type is. An OperationOutcome in place of the Patient is not taken for "not found"; a Patient among the
     * Conditions is not read as chart evidence, and the card says so.
     */
    @Test
    default void orderSignWhenThePrefetchHoldsOtherTypesThanAskedThenLeftOutAndNamedInTheCard() {
        ObjectNode request = (ObjectNode) tree(hookRequest(Scenarios.ALECTINIB_CA, "order-sign"));
        ObjectNode prefetch = (ObjectNode) request.path("prefetch");
        JsonNode patient = prefetch.path("patient").deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) prefetch.path("conditions").path("entry")).addObject()
                .set("resource", patient);
        Response stray = hook("overturn-order-sign", request.toString());
        assertThat(stray.status()).as(stray.body()).isEqualTo(200);
        assertThat(stray.json().path("cards").get(0).path("summary").asText()).contains("5 of 5 criteria met");
        assertThat(stray.body()).contains("the prefetch held something unexpected: Patient where Condition was asked for");

        prefetch.set("patient", tree("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"not-found\",\"diagnostics\":\"free text of the EHR\"}]}"));
        Response outcome = hook("overturn-order-sign", request.toString());
        assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
        String summary = outcome.json().path("cards").get(0).path("summary").asText()
                + outcome.json().path("cards").get(0).path("detail").asText();
        assertThat(summary).contains("could not check")
                .contains("OperationOutcome (issue not-found) where Patient was asked for")
                .doesNotContain("free text of the EHR");
    }

    @Test
    default void preflightWhenABrowserSandboxCallsThenCorsAllowsIt() {
        Response r = send("OPTIONS", cds() + "/overturn-order-sign", null, null,
                "Origin", "http://sandbox.localhost:8080",
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization,content-type");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("http://sandbox.localhost:8080");
    }
}
