package org.overturn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** CoverageEligibilityRequests for a loaded chart, and the chart's coverage moved to another payer (routed payers). */
public interface EligibilityRequests extends FhirHttp {
    String REQUEST_SYSTEM = "http://overturn.example.org/fhir/sid/test-eligibility-request";

    /** An auth-requirements request for the chart's order and coverage ({@code ids} from {@link #load}). */
    default String eligibilityRequest(Map<String, String> ids, String requestId) {
        JsonNode order = get("MedicationRequest/" + ids.get("MedicationRequest")).json();
        ObjectNode request = JSON.createObjectNode();
        request.put("resourceType", "CoverageEligibilityRequest");
        request.putArray("identifier").addObject().put("system", REQUEST_SYSTEM).put("value", requestId);
        request.put("status", "active");
        request.putArray("purpose").add("auth-requirements");
        request.putObject("patient").put("reference", "Patient/" + ids.get("Patient"));
        request.put("created", "2026-12-01");
        ((ObjectNode) request.putArray("insurance").addObject().putObject("coverage")).put("reference", "Coverage/" + ids.get("Coverage"));
        request.putArray("item").addObject().set("productOrService", order.path("medicationCodeableConcept"));
        return request.toString();
    }

    /** The chart's ids with a new Coverage, a copy of the chart's, paid by the payer with identifier {@code system|value}. */
    default Map<String, String> paidBy(Map<String, String> ids, String payerIdentifier) {
        String[] identifier = payerIdentifier.split("\\|");
        String payor = create("Organization", "{\"resourceType\":\"Organization\",\"name\":\"Payer " + identifier[1]
                + "\",\"identifier\":[{\"system\":\"" + identifier[0] + "\",\"value\":\"" + identifier[1] + "\"}]}");
        ObjectNode coverage = (ObjectNode) get("Coverage/" + ids.get("Coverage")).json();
        coverage.remove("id");
        coverage.remove("meta");
        coverage.putArray("payor").addObject().put("reference", "Organization/" + payor);
        Map<String, String> paid = new LinkedHashMap<>(ids);
        paid.put("Coverage", create("Coverage", coverage.toString()));
        return paid;
    }

    /** How many requests with this identifier are stored. */
    default int storedEligibilityRequests(String requestId) {
        return get("CoverageEligibilityRequest?identifier=" + REQUEST_SYSTEM + "|" + requestId + "&_summary=count").json()
                .path("total").asInt();
    }
}
