package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.overturn.store.StoredJson;
import org.jspecify.annotations.Nullable;

/**
 * Writes a Bundle of stored resources (one marked {@link StoredJson#ENTRIES_AS_STORED}, such as a PAS response) with
 * each entry's resource as the JSON the store holds, instead of HAPI encoding every resource again: that encoding was
 * a fifth of the cost of {@code Claim/$submit}. Only plain JSON answers are written here (the rules of
 * {@link StoredJsonFilter}); the Bundle's own elements are still HAPI's. {@code StoredJsonContract} compares the two.
 */
@Interceptor
final class StoredBundleInterceptor {
    private final FhirContext ctx;

    StoredBundleInterceptor(FhirContext ctx) {
        this.ctx = ctx;
    }

    /** Returns false when it wrote the answer itself, which tells HAPI not to. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(RequestDetails request, ResponseDetails details, HttpServletResponse response) throws IOException {
        IBaseResource resource = details.getResponseResource();
        if (!(resource instanceof Bundle bundle) || !Boolean.TRUE.equals(bundle.getUserData(StoredJson.ENTRIES_AS_STORED))
                || details.getResponseCode() != 200 || !StoredJsonFilter.plainJson(request.getParameters().keySet(), request.getHeader("Accept"))) {
            return true;
        }
        String body = json(bundle);
        if (body == null) {
            return true;
        }
        StoredJsonFilter.write(response, 200, body.getBytes(StandardCharsets.UTF_8));
        return false;
    }

    /** The Bundle with its entries' stored JSON, or null when an entry is more than a full URL and a stored resource. */
    private @Nullable String json(Bundle bundle) {
        if (bundle.hasSignature() || !bundle.hasEntry()) {
            return null;
        }
        StringBuilder entries = new StringBuilder(bundle.getEntry().size() * 2048);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Object stored = entry.getResource() == null ? null : entry.getResource().getUserData(StoredJson.USER_DATA);
            if (!(stored instanceof String json) || !entry.hasFullUrl() || entry.hasSearch() || entry.hasRequest()
                    || entry.hasResponse() || entry.hasLink() || entry.hasId() || entry.hasExtension() || entry.hasModifierExtension()) {
                return null;
            }
            entries.append(entries.isEmpty() ? "" : ",").append("{\"fullUrl\":\"")
                    .append(JsonStringEncoder.getInstance().quoteAsString(entry.getFullUrl()))
                    .append("\",\"resource\":").append(json).append('}');
        }
        // HAPI writes a Bundle's elements in their definition order, where entry comes last but for signature (none here).
        // The entries are set aside while the rest is encoded (a copy of the Bundle would copy every resource).
        List<Bundle.BundleEntryComponent> aside = bundle.getEntry();
        bundle.setEntry(new ArrayList<>());
        String head;
        try {
            head = ctx.newJsonParser().encodeResourceToString(bundle);
        } finally {
            bundle.setEntry(aside);
        }
        return head.substring(0, head.length() - 1) + ",\"entry\":[" + entries + "]}";
    }
}
