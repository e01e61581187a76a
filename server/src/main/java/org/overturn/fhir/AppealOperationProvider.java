package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.overturn.appeals.AppealService;
import org.overturn.appeals.ExternalReviewService;
import org.overturn.deadlines.Urgency;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /fhir/ClaimResponse/{id}/$appeal} (optional {@code urgency} standard | expedited) and
 * {@code POST /fhir/Task/{id}/$external-review}: each answers a collection Bundle with the step Task first and its
 * document second, 201 when they were created now, 200 when an earlier request had made them.
 */
final class AppealOperationProvider {
    private final AppealService appeals;
    private final ExternalReviewService externalReviews;

    AppealOperationProvider(AppealService appeals, ExternalReviewService externalReviews) {
        this.appeals = appeals;
        this.externalReviews = externalReviews;
    }

    @Operation(name = "$appeal", type = ClaimResponse.class)
    public Bundle appeal(@IdParam IdType id, @OperationParam(name = "urgency") @Nullable CodeType urgency, RequestDetails request) {
        return answer(appeals.appeal(id.getIdPart(), Urgency.parse(urgency == null ? null : urgency.getValue())), request);
    }

    @Operation(name = "$external-review", type = Task.class)
    public Bundle externalReview(@IdParam IdType id, RequestDetails request) {
        return answer(externalReviews.externalReview(id.getIdPart()), request);
    }

    private Bundle answer(AppealService.Answer answer, RequestDetails request) {
        if (answer.created() && request instanceof ServletRequestDetails servlet && servlet.getServletResponse() != null) {
            // HAPI answers an operation with the status already set on the servlet response.
            servlet.getServletResponse().setStatus(201);
            servlet.getServletResponse().setHeader("Location", request.getFhirServerBase() + "/Task/" + answer.task().getIdElement().getIdPart());
        }
        return appeals.bundle(answer, request.getFhirServerBase());
    }
}
