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

    static String orderSign(String transactionBundle) {
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
        StringBuilder json = new StringBuilder("{\"hook\":\"order-sign\",\"hookInstance\":\"bench\",\"context\":{\"userId\":\"Practitioner/bench\",")
                .append("\"patientId\":\"").append(patient.getIdElement().getIdPart()).append("\",\"draftOrders\":")
                .append(ctx.newJsonParser().encodeResourceToString(orders)).append("},\"prefetch\":{\"patient\":")
                .append(ctx.newJsonParser().encodeResourceToString(patient));
        prefetch.forEach((k, b) -> json.append(",\"").append(k).append("\":").append(ctx.newJsonParser().encodeResourceToString(b)));
        return json.append("}}").toString();
    }

    private static void add(Map<String, Bundle> prefetch, String key, Resource r) {
        prefetch.computeIfAbsent(key, k -> new Bundle().setType(Bundle.BundleType.SEARCHSET)).addEntry().setResource(r);
    }
}
