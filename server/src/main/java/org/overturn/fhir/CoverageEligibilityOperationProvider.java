package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.overturn.eligibility.EligibilityService;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

/** {@code POST /fhir/CoverageEligibilityRequest/$submit}: the payer's criteria for the drug, checked against the chart. */
final class CoverageEligibilityOperationProvider {
    private final EligibilityService eligibility;

    CoverageEligibilityOperationProvider(EligibilityService eligibility) {
        this.eligibility = eligibility;
    }

    /**
     * Answers 200 with the stored CoverageEligibilityResponse; a request missing what it needs is 422; a routed payer
     * that fails is 502, 503 or 504.
     */
    @Operation(name = "$submit", type = CoverageEligibilityRequest.class)
    public CoverageEligibilityResponse submit(@ResourceParam IBaseResource body, RequestDetails details) {
        // Any resource is taken and checked here: a typed parameter made HAPI fail (500) on a body of another type.
        if (!(body instanceof CoverageEligibilityRequest request)) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "The body of CoverageEligibilityRequest/$submit must be a"
                    + " CoverageEligibilityRequest, not " + (body == null ? "empty" : "a " + body.fhirType()), "CoverageEligibilityRequest");
        }
        // The response is the server's own: its conformance is proved by the server-output tests, not re-checked after commit.
        return eligibility.submit(request, details.getFhirServerBase());
    }
}
