package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * A CDS Hooks call as the coverage services take it: the JSON checked and converted at the edge, each refusal an
 * {@link ErrorCode} saying what to fix, in the order a client would fix it (service, required fields, hook, patient,
 * fhirServer, prefetch). Nothing past this point reads the raw request.
 */
final class CdsRequests {
    private CdsRequests() {}

    /**
     * One hook call, checked.
     *
     * @param fhirServer the EHR's FHIR base, absolute; null when the call names none
     * @param accessToken the EHR token of {@code fhirAuthorization}; null when there is none
     * @param prefetch what the client sent, by prefetch key (absent keys: not sent)
     * @param resources the prefetch and draft orders parsed as FHIR R4
     */
    record HookCall(
            String serviceId,
            String hook,
            String hookInstance,
            String patientId,
            @Nullable URI fhirServer,
            @Nullable String accessToken,
            JsonNode context,
            Map<String, JsonNode> prefetch,
            PrefetchChart resources) {

        /** context.userId when it names a Practitioner or PractitionerRole (the ordering clinician), else empty. */
        String clinician() {
            String user = context.path("userId").asText("");
            return user.startsWith("Practitioner/") || user.startsWith("PractitionerRole/") ? user : "";
        }
    }

    /** Refuses an unknown service id with 404 before anything else is looked at. */
    static String hookOf(String serviceId) {
        String hook = CoverageHookService.HOOKS.get(serviceId);
        if (hook == null) {
            throw new OverturnException(ErrorCode.NOT_FOUND, "No CDS service '" + serviceId + "'; see GET /cds-services");
        }
        return hook;
    }

    static HookCall read(FhirContext ctx, String serviceId, CdsJson.Request request) {
        String hook = hookOf(serviceId);
        List<String> missing = new ArrayList<>();
        if (request.hook() == null || request.hook().isBlank()) {
            missing.add("hook");
        }
        if (request.hookInstance() == null || request.hookInstance().isBlank()) {
            missing.add("hookInstance");
        }
        if (request.context() == null || !request.context().isObject()) {
            missing.add("context");
        }
        if (!missing.isEmpty()) {
            throw invalid("Missing required field(s): " + String.join(", ", missing));
        }
        if (!hook.equals(request.hook())) {
            throw invalid("Service " + serviceId + " answers the " + hook + " hook, not " + request.hook());
        }
        // Both present: a request without them was refused above.
        String hookInstance = Objects.requireNonNull(request.hookInstance());
        JsonNode context = Objects.requireNonNull(request.context());
        String patientId = context.path("patientId").asText("");
        if (patientId.isBlank()) {
            throw invalid("context.patientId is required");
        }
        URI fhirServer = fhirServer(request);
        Map<String, JsonNode> prefetch = request.prefetch() == null ? Map.of() : request.prefetch();
        PrefetchChart resources;
        try {
            resources = PrefetchChart.of(ctx, prefetch, context.path("draftOrders"));
        } catch (RuntimeException e) {
            throw invalid("prefetch or context.draftOrders holds something that is not FHIR R4 JSON");
        }
        resources.requireOnePatient(patientId);
        return new HookCall(serviceId, hook, hookInstance, patientId, fhirServer, accessToken(request),
                context, prefetch, resources);
    }

    private static @Nullable URI fhirServer(CdsJson.Request request) {
        if (request.fhirServer() == null || request.fhirServer().isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(request.fhirServer().trim());
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw invalid("fhirServer must be an absolute URL, not '" + request.fhirServer() + "'");
        }
    }

    private static @Nullable String accessToken(CdsJson.Request request) {
        JsonNode auth = request.fhirAuthorization();
        if (auth == null || !auth.hasNonNull("access_token")) {
            return null;
        }
        return auth.get("access_token").asText();
    }

    static OverturnException invalid(String message) {
        return new OverturnException(ErrorCode.INVALID_REQUEST, message);
    }
}
