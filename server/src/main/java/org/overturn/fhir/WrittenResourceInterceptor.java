package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.overturn.store.StoredJson;

/**
 * Answers a create or an update with the JSON the store has just written for the new version, instead of HAPI encoding
 * the same resource a second time (a tenth of a create's server time). The headers are the ones HAPI gives such an
 * answer: ETag, Last-Modified, Content-Location of the version and, for a create, Location. Only plain JSON answers
 * of a resource as written (201 for a create, 200 or 201 for an update) are taken, by the rules of
 * {@link StoredJsonFilter}; {@code Prefer: return=minimal} and every other answer stay HAPI's. {@code StoredJsonContract}
 * compares the two.
 */
@Interceptor
final class WrittenResourceInterceptor {
    private final FhirContext ctx;

    WrittenResourceInterceptor(FhirContext ctx) {
        this.ctx = ctx;
    }

    /** Returns false when it wrote the answer itself, which tells HAPI not to. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(RequestDetails request, ResponseDetails details, HttpServletResponse response) throws IOException {
        IBaseResource resource = details.getResponseResource();
        RestOperationTypeEnum operation = request.getRestOperationType();
        int status = details.getResponseCode();
        boolean created = operation == RestOperationTypeEnum.CREATE && status == 201;
        boolean updated = operation == RestOperationTypeEnum.UPDATE && (status == 200 || status == 201);
        if (resource == null || !(created || updated)
                || !(resource.getUserData(StoredJson.USER_DATA) instanceof String json)
                || !StoredJsonFilter.plainJson(request.getParameters().keySet(), request.getHeader("Accept"))) {
            return true;
        }
        IIdType id = resource.getIdElement();
        if (!id.hasIdPart() || !id.hasVersionIdPart()) {
            return true;
        }
        String version = request.getFhirServerBase() + "/" + ctx.getResourceType(resource) + "/" + id.getIdPart()
                + "/_history/" + id.getVersionIdPart();
        response.setHeader("ETag", "W/\"" + id.getVersionIdPart() + "\"");
        response.setHeader("Content-Location", version);
        Date lastUpdated = resource.getMeta().getLastUpdated();
        if (lastUpdated != null) {
            response.setDateHeader("Last-Modified", lastUpdated.getTime());
        }
        if (created) {
            response.setHeader("Location", version);
        }
        StoredJsonFilter.write(response, status, json.getBytes(StandardCharsets.UTF_8));
        return false;
    }
}
