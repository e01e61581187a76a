package org.overturn.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.jspecify.annotations.Nullable;
import org.overturn.platform.AuditAttributes;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.platform.SystemWork;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The CDS Hooks edge: discovery, service calls and feedback, each call's JWT checked first. */
@RestController
@RequestMapping("/cds-services")
class CdsController {
    private final CoverageHookService services;
    private final CdsTokenVerifier tokens;
    private final FeedbackStore feedback;
    private final CdsProperties properties;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final FhirContext ctx;
    /** The server's public root (scheme, host, port) when {@code overturn.fhir.base-url} names it, else null. */
    private final @Nullable String publicRoot;

    CdsController(CoverageHookService services, CdsTokenVerifier tokens, FeedbackStore feedback, CdsProperties properties,
            com.fasterxml.jackson.databind.ObjectMapper json, FhirContext ctx,
            @Value("${overturn.fhir.base-url:}") String fhirBaseUrl) {
        String fhirBase = fhirBaseUrl.strip().replaceAll("/+$", "");
        // Behind a load balancer the request's own URL names the instance, not what clients call: the public FHIR
        // base, when configured, names the CDS services and the app too (unless they are configured themselves).
        this.publicRoot = fhirBase.endsWith("/fhir") ? fhirBase.substring(0, fhirBase.length() - "/fhir".length()) : null;
        this.services = services;
        this.ctx = ctx;
        this.tokens = tokens;
        this.json = json;
        this.feedback = feedback;
        this.properties = properties;
    }

    @GetMapping(produces = "application/json")
    CdsJson.Discovery discovery() {
        return new CdsJson.Discovery(services.descriptors());
    }

    // The body is read only after the caller's JWT passed: an unknown caller costs no parsing.
    // No `consumes`: a mismatch there is refused before this controller is chosen, in Spring's error form, not CDS's.
    @PostMapping(path = "/{id}", produces = "application/json")
    CdsJson.Response call(@PathVariable String id, HttpServletRequest http,
            @Nullable @RequestHeader(name = "Authorization", required = false) String authorization) {
        requireJson(http);
        CdsRequests.hookOf(id);
        CdsTokenVerifier.Caller caller = tokens.verify(authorization, audiences(http, id, ""));
        CdsJson.Request request = body(http, CdsJson.Request.class);
        http.setAttribute(AuditAttributes.CALLER, caller.client());
        if (request.context() != null && request.context().hasNonNull("patientId")) {
            http.setAttribute(AuditAttributes.PATIENT, request.context().path("patientId").asText());
        }
        CdsRequests.HookCall call = CdsRequests.read(ctx, id, request);
        // A verified CDS client is trusted with the assessment it asks for; the store sees it as the server's work.
        return SystemWork.call("cds-hooks:" + caller.client(), () -> services.call(call, caller, smartLaunchUrl(http)));
    }

    @PostMapping(path = "/{id}/feedback")
    ResponseEntity<Void> feedback(@PathVariable String id, HttpServletRequest http,
            @Nullable @RequestHeader(name = "Authorization", required = false) String authorization) {
        requireJson(http);
        CdsRequests.hookOf(id);
        CdsTokenVerifier.Caller caller = tokens.verify(authorization, audiences(http, id, "/feedback"));
        http.setAttribute(AuditAttributes.CALLER, caller.client());
        feedback.store(id, body(http, JsonNode.class), caller.client());
        return ResponseEntity.ok().build();
    }

    /** CDS Hooks sends JSON; {@code application/json} or a JSON media type ({@code application/*+json}). */
    private static void requireJson(HttpServletRequest http) {
        MediaType type;
        try {
            type = http.getContentType() == null ? null : MediaType.parseMediaType(http.getContentType());
        } catch (org.springframework.util.InvalidMimeTypeException e) {
            type = null;
        }
        if (type == null || !(MediaType.APPLICATION_JSON.includes(type) || type.getSubtype().endsWith("+json") && "application".equals(type.getType()))) {
            throw new OverturnException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the hook call as application/json");
        }
    }

    private <T> T body(HttpServletRequest http, Class<T> type) {
        try {
            T value = json.readValue(http.getInputStream(), type);
            if (value == null) {
                throw CdsRequests.invalid("The request body is empty; send the hook call as CDS Hooks JSON");
            }
            return value;
        } catch (java.io.IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof OverturnException known) {
                    throw known; // the body size limit
                }
            }
            throw new OverturnException(ErrorCode.MALFORMED_BODY, "The request body is not valid CDS Hooks JSON");
        }
    }

    /** The feedback received for a service, newest first; for one card with {@code card=<uuid>}. */
    @GetMapping(path = "/{id}/feedback", produces = "application/json")
    Map<String, List<JsonNode>> feedbackReceived(@PathVariable String id, @Nullable @RequestParam(required = false) String card,
            @RequestParam(defaultValue = "100") int count, HttpServletRequest http,
            @Nullable @RequestHeader(name = "Authorization", required = false) String authorization) {
        CdsRequests.hookOf(id);
        tokens.verify(authorization, audiences(http, id, "/feedback"));
        if (count < 1 || count > 1000) {
            throw CdsRequests.invalid("count must be between 1 and 1000");
        }
        return Map.of("feedback", feedback.find(id, card, count));
    }

    /**
     * The URLs a client may name in {@code aud}: the configured public service URL when there is one, else the URL
     * this request came in on (the spec's "the service endpoint being invoked"), which rests on the Host header the
     * client sent, so production configures the URL; the service URL also stands for its feedback endpoint.
     */
    private List<String> audiences(HttpServletRequest http, String id, String suffix) {
        List<String> out = new ArrayList<>();
        String configured = properties.serviceBaseUrl() != null ? properties.serviceBaseUrl()
                : publicRoot != null ? publicRoot + "/cds-services" : null;
        if (configured != null) {
            String base = configured.replaceAll("/+$", "") + "/" + id;
            out.add(base + suffix);
            out.add(base);
            return out;
        }
        String here = http.getRequestURL().toString();
        out.add(here);
        if (!suffix.isEmpty() && here.endsWith(suffix)) {
            out.add(here.substring(0, here.length() - suffix.length()));
        }
        return out;
    }

    private String smartLaunchUrl(HttpServletRequest http) {
        if (properties.smartLaunchUrl() != null) {
            return properties.smartLaunchUrl();
        }
        if (publicRoot != null) {
            return publicRoot + "/app/launch.html";
        }
        String url = http.getRequestURL().toString();
        return url.substring(0, url.indexOf("/cds-services")) + "/app/launch.html";
    }
}
