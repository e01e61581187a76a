package org.overturn.pas;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.payers.PayerGateway;
import org.overturn.payers.PayerRoute;

/**
 * PAS at a payer: {@code Claim/$submit} of a request Bundle, and {@code Claim/$inquire} for a request the payer may
 * already have, read into what the outbox worker acts on. The calls go through {@link PayerGateway} (credentials,
 * timeout, circuit breaker), which the caller has already passed.
 */
final class PayerClient {
    private final PayerGateway gateway;
    private final FhirContext ctx;

    PayerClient(PayerGateway gateway, FhirContext ctx) {
        this.gateway = gateway;
        this.ctx = ctx;
    }

    sealed interface Delivery {}

    /** 2xx with a PAS response Bundle whose first entry is the ClaimResponse. */
    record Answered(ClaimResponse response) implements Delivery {}

    /** 4xx: the payer refused the request; sending it again will not help. */
    record Refused(int status, OperationOutcome outcome) implements Delivery {}

    /** Worth another attempt; {@code maybeReceived} when the payer may have the request all the same. */
    record Failed(String reason, boolean maybeReceived) implements Delivery, Inquiry {}

    sealed interface Inquiry {}

    /** The payer has the request and answered its current ClaimResponse. */
    record Known(ClaimResponse response) implements Inquiry {}

    /** The payer answered the inquiry and does not have the request. */
    record Unknown() implements Inquiry {}

    /** The payer does not answer inquiries (404, 405, 501, or another refusal of the inquiry itself). */
    record Unsupported(String why) implements Inquiry {}

    Delivery submit(PayerRoute route, String payload, Instant now) {
        PayerGateway.Reply reply = gateway.exchange(route, "Claim/$submit", payload, now);
        if (reply instanceof PayerGateway.Failed failed) {
            return new Failed(failed.reason(), failed.maybeReceived());
        }
        if (reply instanceof PayerGateway.Refused refused) {
            return new Refused(refused.status(), refused.outcome());
        }
        PayerGateway.Answered answered = (PayerGateway.Answered) reply;
        if (answered.body() instanceof Bundle bundle && bundle.hasEntry()
                && bundle.getEntryFirstRep().getResource() instanceof ClaimResponse response) {
            return new Answered(response);
        }
        // It answered 2xx, so it may well have taken the request: ask before sending it again.
        return new Failed("HTTP " + answered.status() + " without a PAS response Bundle (ClaimResponse first)", true);
    }

    /**
     * Asks the payer for the request {@code requestKey} (Claim identifier {@code system|value}) of {@code payload}:
     * a PAS inquiry Bundle (the Claim's identifier, patient, insurer, provider and insurance, with the resources they
     * reference). PAS answers a Bundle; answers as Parameters with {@code return} Bundles (as this server's own
     * {@code $inquire} gives them) are read too. Only a ClaimResponse whose Claim carries the same identifier counts.
     */
    Inquiry inquire(PayerRoute route, String payload, String requestKey, Instant now) {
        PayerGateway.Reply reply = gateway.exchange(route, "Claim/$inquire", inquiry(payload, now), now);
        if (reply instanceof PayerGateway.Failed failed) {
            return new Failed("inquiry: " + failed.reason(), true);
        }
        if (reply instanceof PayerGateway.Refused refused) {
            return new Unsupported("HTTP " + refused.status() + " to Claim/$inquire");
        }
        IBaseResource body = ((PayerGateway.Answered) reply).body();
        List<Bundle> bundles = new ArrayList<>();
        if (body instanceof Bundle bundle) {
            bundles.add(bundle);
        } else if (body instanceof Parameters parameters) {
            parameters.getParameter().stream().filter(p -> p.getResource() instanceof Bundle)
                    .forEach(p -> bundles.add((Bundle) p.getResource()));
        } else {
            return new Failed("inquiry: the payer answered neither a Bundle nor Parameters", true);
        }
        for (Bundle bundle : bundles) {
            Optional<ClaimResponse> match = responseFor(bundle, requestKey);
            if (match.isPresent()) {
                return new Known(match.get());
            }
        }
        return new Unknown();
    }

    private static Optional<ClaimResponse> responseFor(Bundle bundle, String requestKey) {
        if (!bundle.hasEntry() || !(bundle.getEntryFirstRep().getResource() instanceof ClaimResponse response)) {
            return Optional.empty();
        }
        boolean byRequest = response.getRequest().hasIdentifier() && key(response.getRequest().getIdentifier()).equals(requestKey);
        boolean byClaim = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Claim.class::isInstance).map(Claim.class::cast)
                .anyMatch(c -> c.getIdentifier().stream().anyMatch(i -> key(i).equals(requestKey)));
        return byRequest || byClaim ? Optional.of(response) : Optional.empty();
    }

    /** The inquiry Bundle for a request Bundle: an inquiry Claim first, then what it references, transitively. */
    String inquiry(String payload, Instant now) {
        Bundle request = ctx.newJsonParser().parseResource(Bundle.class, payload);
        Claim original = (Claim) request.getEntryFirstRep().getResource();
        Claim claim = new Claim();
        original.getIdentifier().forEach(i -> claim.addIdentifier(i.copy()));
        claim.setStatus(original.getStatus());
        claim.setType(original.getType().copy());
        claim.setUse(Claim.Use.PREAUTHORIZATION);
        claim.setCreated(original.hasCreated() ? original.getCreated() : Date.from(now));
        claim.setPriority(original.getPriority().copy());
        claim.setPatient(original.getPatient().copy());
        claim.setInsurer(original.getInsurer().copy());
        claim.setProvider(original.getProvider().copy());
        original.getInsurance().forEach(i -> claim.addInsurance(i.copy()));
        Map<String, Bundle.BundleEntryComponent> included = new LinkedHashMap<>();
        List<Resource> queue = new ArrayList<>(List.of(claim));
        while (!queue.isEmpty()) {
            Resource next = queue.remove(0);
            for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(next, Reference.class)) {
                String target = ref.getReference();
                if (target == null || target.startsWith("#") || included.containsKey(target)) {
                    continue;
                }
                for (Bundle.BundleEntryComponent e : request.getEntry().subList(1, request.getEntry().size())) {
                    if (e.getFullUrl().equals(target) || e.getFullUrl().endsWith("/" + target)) {
                        included.put(target, e);
                        queue.add(e.getResource());
                        break;
                    }
                }
            }
        }
        Bundle inquiry = new Bundle().setType(Bundle.BundleType.COLLECTION).setTimestamp(Date.from(now));
        inquiry.addEntry().setFullUrl(request.getEntryFirstRep().getFullUrl()).setResource(claim);
        included.values().stream().distinct().forEach(e -> inquiry.addEntry().setFullUrl(e.getFullUrl()).setResource(e.getResource()));
        return ctx.newJsonParser().encodeResourceToString(inquiry);
    }

    private static String key(Identifier identifier) {
        return identifier.getSystem() + "|" + identifier.getValue();
    }
}
