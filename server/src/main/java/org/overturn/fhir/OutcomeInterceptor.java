package org.overturn.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/** Routes every failure on the FHIR edge through {@link ErrorMapper}. */
@Interceptor
final class OutcomeInterceptor {

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException toOutcome(RequestDetails request, Throwable thrown) {
        ErrorMapper.Mapped mapped = ErrorMapper.map(thrown, RequestIds.current());
        BaseServerResponseException response =
                BaseServerResponseException.newInstance(mapped.status(), mapped.outcome().getIssueFirstRep().getDiagnostics());
        response.setOperationOutcome(mapped.outcome());
        if (mapped.status() == 403) {
            // RFC 6750 §3.1: a valid token that does not allow the request is challenged with insufficient_scope.
            response.addResponseHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
        }
        return response;
    }
}
