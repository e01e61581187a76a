package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;

/** Writes an OperationOutcome where HAPI is not in charge (servlet filters, container errors). */
final class OutcomeResponses {
    private OutcomeResponses() {}

    static void write(FhirContext ctx, HttpServletResponse response, int status, OperationOutcome outcome)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/fhir+json;charset=UTF-8");
        response.getWriter().write(ctx.newJsonParser().encodeResourceToString(outcome));
        response.getWriter().flush();
    }
}
