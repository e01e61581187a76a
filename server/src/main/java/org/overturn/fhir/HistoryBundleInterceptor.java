package org.overturn.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Deletion entries of a history Bundle as R4 asks (http.html#history): {@code request} is DELETE {@code [type]/[id]}.
 * HAPI writes the request URL from the entry's versioned id, the one its {@code response} (status, ETag) needs, so the
 * version is taken off here, after HAPI has built the Bundle and before it is written.
 */
@Interceptor
final class HistoryBundleInterceptor {

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(ResponseDetails details) {
        if (details.getResponseResource() instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.HISTORY) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getRequest().getMethod() == Bundle.HTTPVerb.DELETE && entry.getRequest().hasUrl()) {
                    entry.getRequest().setUrl(entry.getRequest().getUrl().replaceFirst("/_history/[^/]*$", ""));
                }
            }
        }
        return true;
    }
}
