package org.overturn.bench.floor;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The floor of a CDS hook call: parse the body and every FHIR resource in it with HAPI, and write a response of the
 * same shape as Overturn's (a card and the draft order with a coverage-information extension). No criteria, no
 * storage: what the CDS edge alone costs.
 */
@RestController
class FloorHookController {
    private final FhirContext ctx = FhirContext.forR4Cached();
    private final ObjectMapper json = new ObjectMapper();

    @PostMapping(path = "/cds-services/{id}", consumes = "application/json", produces = "application/json")
    String call(@PathVariable String id, @RequestBody String body) throws IOException {
        JsonNode request = json.readTree(body);
        int parsed = 0;
        for (JsonNode value : request.path("prefetch")) {
            if (value.has("resourceType")) {
                ctx.newJsonParser().parseResource(value.toString());
                parsed++;
            }
        }
        Bundle orders = ctx.newJsonParser().parseResource(Bundle.class, request.path("context").path("draftOrders").toString());
        ObjectNode response = json.createObjectNode();
        ArrayNode cards = response.putArray("cards");
        ArrayNode actions = response.putArray("systemActions");
        for (Bundle.BundleEntryComponent e : orders.getEntry()) {
            IBaseResource resource = e.getResource();
            if (resource instanceof MedicationRequest order) {
                MedicationRequest updated = order.copy();
                Extension info = updated.addExtension().setUrl("http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information");
                info.addExtension("covered", new CodeType("covered"));
                info.addExtension("pa-needed", new CodeType("auth-needed"));
                cards.addObject().put("uuid", UUID.randomUUID().toString()).put("summary", "Floor card for " + parsed + " prefetch values")
                        .put("indicator", "info").putObject("source").put("label", "floor");
                actions.addObject().put("type", "update").put("description", "floor")
                        .set("resource", json.readTree(ctx.newJsonParser().encodeResourceToString(updated)));
            }
        }
        return response.toString();
    }
}
