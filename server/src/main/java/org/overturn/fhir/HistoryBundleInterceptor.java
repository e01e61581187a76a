package org.overturn.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.store.StoredResource;

/**
 * Every entry of a history Bundle HAPI built gets its {@code request} and {@code response} from
 * {@link HistoryEntries#describe}, after HAPI has built the Bundle and before it is written. HAPI itself writes a
 * request for deletions only, with the versioned URL its response needs, and nothing for the other versions.
 * {@link FhirInteractions#history} leaves the versions of the page in the request, by versioned reference.
 */
@Interceptor
final class HistoryBundleInterceptor {
    /** Request user data: the page's versions, {@code Type/id/_history/n} to the stored version. */
    static final String VERSIONS = HistoryBundleInterceptor.class.getName() + ".versions";

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(RequestDetails request, ResponseDetails details) {
        if (details.getResponseResource() instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.HISTORY
                && request.getUserData().get(VERSIONS) instanceof Map<?, ?> versions) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (versions.get(versionedReference(entry)) instanceof StoredResource version) {
                    HistoryEntries.describe(entry, version);
                }
            }
        }
        return true;
    }

    /** A version's reference from its resource, or for a deletion from the versioned URL HAPI gave its request. */
    private static String versionedReference(Bundle.BundleEntryComponent entry) {
        Resource resource = entry.getResource();
        if (resource != null) {
            return resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/" + resource.getMeta().getVersionId();
        }
        return entry.getRequest().getUrl();
    }
}
