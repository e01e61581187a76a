package org.overturn.eligibility;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.payers.PayerGateway;
import org.overturn.payers.PayerRoute;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.jspecify.annotations.Nullable;

/**
 * A CoverageEligibilityRequest answered by the payer itself: R4's {@code CoverageEligibilityRequest/$submit} at the
 * payer's endpoint, with a collection Bundle holding the request and what it references (patient, coverage, payor,
 * provider, transitively), through the route's credentials, timeout and circuit breaker. Any failure is an
 * {@link OverturnException} with a 502, 503 or 504 status, thrown before anything is stored.
 */
final class PayerEligibility {
    /** Bounds the Bundle; an eligibility request references a handful of resources. */
    private static final int MAX_ENTRIES = 100;

    private final FhirContext ctx;
    private final PayerGateway gateway;
    private final ResourceStore store;

    PayerEligibility(FhirContext ctx, PayerGateway gateway, ResourceStore store) {
        this.ctx = ctx;
        this.gateway = gateway;
        this.store = store;
    }

    /** The payer's answer, not yet stored. */
    CoverageEligibilityResponse ask(PayerRoute route, CoverageEligibilityRequest request, String serverBase, Instant now) {
        String name = route.identifier();
        PayerGateway.Reply reply = gateway.call(route, "CoverageEligibilityRequest/$submit", bundle(request, serverBase, now), now);
        if (reply instanceof PayerGateway.Open open) {
            throw new OverturnException(ErrorCode.PAYER_UNAVAILABLE, "The payer " + name + " is not being called after repeated"
                    + " failures (circuit breaker open); retry after " + open.retryAt());
        }
        if (reply instanceof PayerGateway.Failed failed) {
            ErrorCode code = failed.reason().startsWith("timed out") ? ErrorCode.PAYER_TIMEOUT
                    : failed.reason().startsWith("HTTP") && !failed.reason().equals("HTTP 503") ? ErrorCode.PAYER_ERROR
                    : ErrorCode.PAYER_UNAVAILABLE;
            throw new OverturnException(code, "The payer " + name + " did not answer the eligibility request: " + failed.reason()
                    + "; nothing was stored, retry later");
        }
        if (reply instanceof PayerGateway.Refused refused) {
            String said = refused.outcome().getIssue().stream().map(i -> i.hasDiagnostics() ? i.getDiagnostics() : i.getDetails().getText())
                    .filter(s -> s != null && !s.isBlank()).reduce((a, b) -> a + "; " + b).orElse("no reason given");
            throw new OverturnException(ErrorCode.PAYER_ERROR, "The payer " + name + " refused the eligibility request (HTTP "
                    + refused.status() + "): " + said);
        }
        IBaseResource body = ((PayerGateway.Answered) reply).body();
        CoverageEligibilityResponse response = response(body);
        if (response == null) {
            throw new OverturnException(ErrorCode.PAYER_ERROR, "The payer " + name + " answered without a"
                    + " CoverageEligibilityResponse; nothing was stored");
        }
        return response;
    }

    /** The answer as R4's $submit allows it: the response itself, a Bundle with it first, or Parameters {@code return}. */
    static @Nullable CoverageEligibilityResponse response(@Nullable IBaseResource body) {
        if (body instanceof CoverageEligibilityResponse response) {
            return response;
        }
        if (body instanceof Bundle bundle && bundle.hasEntry()
                && bundle.getEntryFirstRep().getResource() instanceof CoverageEligibilityResponse response) {
            return response;
        }
        if (body instanceof Parameters parameters && parameters.getParameter("return") != null) {
            return response(parameters.getParameter("return").getResource());
        }
        return null;
    }

    /**
     * The request (references made absolute, as it has no URL of its own yet) first, then every resource of this
     * server it references, directly or through others, each under its URL here.
     */
    String bundle(CoverageEligibilityRequest request, String serverBase, Instant now) {
        String base = serverBase.endsWith("/") ? serverBase.substring(0, serverBase.length() - 1) : serverBase;
        CoverageEligibilityRequest sent = request.copy();
        sent.setId((String) null);
        Map<String, Resource> found = new LinkedHashMap<>();
        Deque<Resource> queue = new ArrayDeque<>();
        queue.add(sent);
        while (!queue.isEmpty() && found.size() < MAX_ENTRIES) {
            Resource next = queue.poll();
            for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(next, Reference.class)) {
                var id = ref.getReferenceElement();
                if (id.isAbsolute() || id.isLocal() || !id.hasResourceType() || !id.hasIdPart()) {
                    continue;
                }
                String target = id.getResourceType() + "/" + id.getIdPart();
                if (next == sent) {
                    ref.setReference(base + "/" + target);
                }
                if (!found.containsKey(target)) {
                    // Not here (or deleted): the payer gets the reference without the resource.
                    store.find(target).map(s -> (Resource) s.resource()).ifPresent(resource -> {
                        found.put(target, resource);
                        queue.add(resource);
                    });
                }
            }
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION).setTimestamp(Date.from(now));
        bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(sent);
        found.forEach((ref, resource) -> bundle.addEntry().setFullUrl(base + "/" + ref).setResource(resource));
        return ctx.newJsonParser().encodeResourceToString(bundle);
    }
}
