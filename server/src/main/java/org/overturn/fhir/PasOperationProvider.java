package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Parameters;
import org.overturn.pas.PasBundleReader;
import org.overturn.pas.PasService;
import org.jspecify.annotations.Nullable;

/**
 * Da Vinci PAS {@code POST /fhir/Claim/$submit} (a request Bundle in, the response Bundle out) and
 * {@code POST /fhir/Claim/$inquire} (an inquiry Bundle in, Parameters with the matching response Bundles out). The
 * body is read here as any resource, so that a body which is not a Bundle gets PAS's own explanation; the Bundle
 * may also come as the {@code resource} parameter of a Parameters body. The edge converts it to the typed
 * {@code PasRequest} (checked by {@link PasBundleReader}) and the feature takes that. The operations are
 * {@code manualRequest}: otherwise HAPI parses the body once more for operation parameters these operations do not
 * have (in a profile of $submit at 8 clients the two parses of the 13-resource Bundle took 30% of the server's CPU).
 */
final class PasOperationProvider {
    private final FhirContext ctx;
    private final PasBundleReader requests;
    private final PasService pas;

    PasOperationProvider(FhirContext ctx, PasBundleReader requests, PasService pas) {
        this.ctx = ctx;
        this.requests = requests;
        this.pas = pas;
    }

    @Operation(name = "$submit", type = Claim.class, manualRequest = true)
    public Bundle submit(@ResourceParam String body, RequestDetails request) {
        return pas.submit(requests.read(parse(body, request), false), request.getFhirServerBase());
    }

    @Operation(name = "$inquire", type = Claim.class, manualRequest = true)
    public Parameters inquire(@ResourceParam String body, RequestDetails request) {
        return pas.inquire(requests.read(parse(body, request), true), request.getFhirServerBase());
    }

    private @Nullable IBaseResource parse(@Nullable String body, RequestDetails request) {
        if (body == null || body.isBlank()) {
            return null;
        }
        String type = request.getHeader("Content-Type");
        boolean xml = type != null && type.contains("xml");
        IBaseResource parsed = (xml ? ctx.newXmlParser() : ctx.newJsonParser()).parseResource(body);
        // The generic operation form: Parameters with the Bundle as parameter "resource".
        if (parsed instanceof Parameters parameters && parameters.getParameter("resource") != null
                && parameters.getParameter("resource").getResource() != null) {
            return parameters.getParameter("resource").getResource();
        }
        return parsed;
    }
}
