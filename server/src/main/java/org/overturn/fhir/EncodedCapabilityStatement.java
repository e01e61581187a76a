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
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jspecify.annotations.Nullable;

/**
 * Answers {@code GET [base]/metadata} in plain JSON with the statement's JSON encoded once. HAPI keeps the generated
 * CapabilityStatement (a minute) but encoded its 137 KB on every call, four fifths of the call's time. The JSON is
 * kept for as long as HAPI hands out the same statement object, so a regenerated statement is encoded anew. Any
 * parameter or another format stays HAPI's; {@code StoredJsonContract} compares the two answers.
 */
@Interceptor
final class EncodedCapabilityStatement {
    private final FhirContext ctx;
    private final AtomicReference<@Nullable Encoded> last = new AtomicReference<>();

    private record Encoded(IBaseResource statement, byte[] json) {}

    EncodedCapabilityStatement(FhirContext ctx) {
        this.ctx = ctx;
    }

    /** Returns false when it wrote the answer itself, which tells HAPI not to. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(RequestDetails request, ResponseDetails details, HttpServletResponse response) throws IOException {
        IBaseResource statement = details.getResponseResource();
        if (request.getRestOperationType() != RestOperationTypeEnum.METADATA || statement == null
                || details.getResponseCode() != 200 || !request.getParameters().isEmpty()
                || !StoredJsonFilter.plainJson(Set.of(), request.getHeader("Accept"))) {
            return true;
        }
        Encoded encoded = last.get();
        if (encoded == null || encoded.statement() != statement) {
            encoded = new Encoded(statement, ctx.newJsonParser().encodeResourceToString(statement).getBytes(StandardCharsets.UTF_8));
            last.set(encoded);
        }
        response.setHeader("Content-Location", request.getFhirServerBase() + "/CapabilityStatement/"
                + statement.getIdElement().getIdPart());
        StoredJsonFilter.write(response, 200, encoded.json());
        return false;
    }
}
