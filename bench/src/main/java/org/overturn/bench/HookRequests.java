package org.overturn.bench;

import ca.uhn.fhir.context.FhirContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Builds a CDS Hooks order-sign call whose prefetch is a fixture chart, as an EHR would send it. */
final class HookRequests {
    private HookRequests() {}

    /** A chart split as a hook call carries it: the patient, prefetch values by key, and the draft orders. */
    record Chart(String patientId, String patient, Map<String, String> prefetch, String draftOrders) {
        /** What a stand-in EHR answers: Patient/{id} and each searched type, as the prefetch templates ask. */
        Map<String, String> ehrAnswers() {
            Map<String, String> answers = new HashMap<>();
            answers.put("Patient/" + patientId, patient);
            Map<String, String> types = Map.of("coverage", "Coverage", "conditions", "Condition", "biomarkers", "Observation",
                    "medicationStatements", "MedicationStatement");
            prefetch.forEach((key, bundle) -> answers.put(types.get(key), bundle));
            return answers;
        }
    }

    static Chart split(String transactionBundle) {
        FhirContext ctx = FhirContext.forR4Cached();
        Bundle tx = ctx.newJsonParser().parseResource(Bundle.class, transactionBundle);
        Map<String, String> ids = new HashMap<>();
        int n = 0;
        for (Bundle.BundleEntryComponent e : tx.getEntry()) {
            String id = e.getResource().fhirType().toLowerCase(Locale.ROOT) + "-" + (++n);
            ids.put(e.getFullUrl(), e.getResource().fhirType() + "/" + id);
            e.getResource().setId(id);
        }
        Map<String, Bundle> prefetch = new HashMap<>();
        Bundle orders = new Bundle().setType(Bundle.BundleType.COLLECTION);
        Resource patient = null;
        for (Bundle.BundleEntryComponent e : tx.getEntry()) {
            Resource r = e.getResource();
            for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
                ref.setReference(ids.getOrDefault(ref.getReference(), ref.getReference()));
            }
            switch (r.fhirType()) {
                case "Patient" -> patient = r;
                case "MedicationRequest" -> {
                    ((MedicationRequest) r).setStatus(MedicationRequest.MedicationRequestStatus.DRAFT);
                    orders.addEntry().setResource(r);
                }
                case "Coverage", "Organization" -> add(prefetch, "coverage", r);
                case "Condition" -> add(prefetch, "conditions", r);
                case "Observation" -> add(prefetch, "biomarkers", r);
                case "MedicationStatement" -> add(prefetch, "medicationStatements", r);
                default -> { }
            }
        }
        if (patient == null) {
            throw new IllegalStateException("the chart has no Patient");
        }
        Map<String, String> values = new HashMap<>();
        prefetch.forEach((k, b) -> values.put(k, ctx.newJsonParser().encodeResourceToString(b)));
        values.put("medicationRequests", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}");
        return new Chart(patient.getIdElement().getIdPart(), ctx.newJsonParser().encodeResourceToString(patient), values,
                ctx.newJsonParser().encodeResourceToString(orders));
    }

    /** order-sign with the whole chart in prefetch. */
    static String orderSign(String transactionBundle) {
        Chart chart = split(transactionBundle);
        StringBuilder json = context(chart).append(",\"prefetch\":{\"patient\":").append(chart.patient());
        chart.prefetch().forEach((k, b) -> json.append(",\"").append(k).append("\":").append(b));
        return json.append("}}").toString();
    }

    /** order-sign with no prefetch: everything comes from {@code fhirServer}. */
    static String orderSignFromEhr(Chart chart, String fhirServer) {
        return context(chart).append(",\"fhirServer\":\"").append(fhirServer)
                .append("\",\"fhirAuthorization\":{\"access_token\":\"bench\",\"token_type\":\"Bearer\",\"expires_in\":300,")
                .append("\"scope\":\"patient/*.read\",\"subject\":\"overturn\"}}").toString();
    }

    private static StringBuilder context(Chart chart) {
        return new StringBuilder("{\"hook\":\"order-sign\",\"hookInstance\":\"bench\",\"context\":{\"userId\":\"Practitioner/bench\",")
                .append("\"patientId\":\"").append(chart.patientId()).append("\",\"draftOrders\":").append(chart.draftOrders()).append("}");
    }

    private static void add(Map<String, Bundle> prefetch, String key, Resource r) {
        prefetch.computeIfAbsent(key, k -> new Bundle().setType(Bundle.BundleType.SEARCHSET)).addEntry().setResource(r);
    }
}
