package org.overturn.pas;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.overturn.cases.CaseReader;
import org.overturn.payers.PayerRoute;
import org.overturn.payers.PayerRoutes;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.PasProfiles;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.jspecify.annotations.Nullable;

/**
 * Da Vinci PAS: {@code Claim/$submit} checks the request Bundle, has the payer decide, and stores the Claim, what
 * it references, the ClaimResponse and the PA Task in one transaction. The sandbox payer decides at once; a payer
 * with a configured route gets the request through the outbox (same transaction) and the client a queued answer
 * until the payer's decision arrives. {@code Claim/$inquire} finds earlier requests by example (member id, provider,
 * insurer) and answers their current responses. A request sent again (the same Claim under the same identifier)
 * gets the stored answer again: the payer never sees it twice. Both answer a token's caller only about requests its own client
 * submitted ({@link PasSubmissions}). A request that updates an earlier one joins its case and ends what it leaves behind
 * ({@link ClaimUpdates}); withdrawn items are answered cancelled, not decided ({@link Cancellations}).
 */
public final class PasService {
    /** How many earlier requests of one member an inquiry looks at, newest first. */
    private static final int INQUIRY_LIMIT = 100;
    /** How many earlier requests under one identifier a submission compares itself with, newest first. */
    private static final int SAME_IDENTIFIER_LIMIT = 100;

    private final ResourceStore store;
    private final SandboxPayer payer;
    private final PasResponseFactory responses;
    private final PayerRoutes routes;
    private final PasOutbox outbox;
    private final PasSubmissions submissions;
    private final CaseReader cases;
    private final ClaimUpdates updates;
    private final Supplier<Optional<String>> client;
    private final Clock clock;

    PasService(ResourceStore store, SandboxPayer payer, PasResponseFactory responses,
            PayerRoutes routes, PasOutbox outbox, PasSubmissions submissions, CaseReader cases,
            Supplier<Optional<String>> client, Clock clock) {
        this.store = store;
        this.payer = payer;
        this.responses = responses;
        this.routes = routes;
        this.outbox = outbox;
        this.submissions = submissions;
        this.cases = cases;
        this.updates = new ClaimUpdates(store, cases, outbox, submissions::digest);
        this.client = client;
        this.clock = clock;
    }

    /**
     * @param serverBase this server's FHIR base URL, for the response Bundle's fullUrls
     */
    public Bundle submit(PasRequest request, String serverBase) {
        Claim claim = request.claim();
        Identifier identifier = claim.getIdentifier().stream().filter(Identifier::hasValue).findFirst().orElseThrow();
        Organization insurer = request.resolve(claim.getInsurer(), Organization.class).orElseThrow();
        Optional<PayerRoute> route = routes.route(keys(insurer.getIdentifier()));
        // The sandbox decides before anything is stored, so a request it cannot decide leaves nothing behind.
        Optional<PayerDecision> decision = route.isPresent() ? Optional.empty() : Optional.of(payer.adjudicate(request));
        Date now = Date.from(clock.instant());
        return store.inTransaction(() -> {
            // Under a lock on the identifier, so a resubmission (even a concurrent one) is answered once.
            Optional<StoredResource> same = sameRequest(identifier, request.digest());
            if (same.isPresent()) {
                if (!submittedByCaller(same.get().id())) {
                    throw new OverturnException(ErrorCode.BUSINESS_RULE, "The Claim identifier " + identifier.getSystem()
                            + "|" + identifier.getValue() + " belongs to a request another client submitted; give the"
                            + " request a new identifier", "Claim.identifier");
                }
                return answered(same.get(), identifier, serverBase, now, request.transaction());
            }
            store.create(claim, null);
            submissions.record(claim.getIdElement().getIdPart(), client.get().orElse(null), request.digest(), now.toInstant());
            Map<String, Resource> stored = new HashMap<>();
            stored.put(PasResponseFactory.reference(claim), claim);
            for (Resource resource : request.resources().subList(1, request.resources().size())) {
                store.create(resource, null);
                stored.put(PasResponseFactory.reference(resource), resource);
            }
            Function<String, Optional<Resource>> lookup = ref -> Optional.ofNullable(stored.get(ref));
            ClaimResponse response = decision.isPresent()
                    ? responses.claimResponse(claim, decision.get(), now)
                    : responses.queued(claim, payerName(insurer), now);
            PasResponseFactory.noteIgnored(response, request.ignored());
            store.create(response, null);
            stored.put(PasResponseFactory.reference(response), response);
            Task task = decision.isPresent()
                    ? responses.task(claim, response, decision.get(), now)
                    : responses.task(claim, response, PasProfiles.SUBMITTED, "Prior authorization with " + payerName(insurer), now);
            List<ClaimUpdates.Earlier> earlier = updates.earlier(claim, request.relatedDigests(), this::submittedByCaller);
            Identifier caseId = ClaimUpdates.caseIdentifier(earlier, claim);
            ClaimUpdates.link(task, earlier, caseId);
            store.create(task, null);
            updates.replace(earlier, claim, caseId, Cancellations.requestCancelled(claim), now);
            if (route.isPresent()) {
                // Same transaction as the Claim: the request is forwarded exactly when it was accepted.
                outbox.enqueue(token(identifier), claim.getIdElement().getIdPart(), response.getIdElement().getIdPart(),
                        task.getIdElement().getIdPart(), route.get().endpoint().toString(),
                        responses.json(responses.bundle(serverBase, claim, lookup, now, request.transaction())),
                        now.toInstant());
            }
            return responses.bundle(serverBase, response, lookup, now, request.transaction());
        });
    }

    /**
     * The stored request this one repeats: a Claim with its identifier that was submitted with the same digest, or
     * stored before digests were kept, or written otherwise than through $submit (which {@link #answered} refuses).
     * Another request under the same identifier is a request of its own: PAS names each request by its identifier,
     * and some clients (the Inferno PAS kit among them) send every request and each update under one identifier.
     */
    private Optional<StoredResource> sameRequest(Identifier identifier, String digest) {
        submissions.lock(token(identifier));
        List<StoredResource> stored = store.search(store.parse("Claim", Map.of(
                "use", List.of("preauthorization"),
                "identifier", List.of(token(identifier)),
                "_sort", List.of("-_lastUpdated"),
                "_count", List.of(Integer.toString(SAME_IDENTIFIER_LIMIT))), false)).items();
        return stored.stream().filter(s -> submissions.digest(s.id()).map(digest::equals).orElse(true)).findFirst();
    }

    private Bundle answered(StoredResource claim, Identifier identifier, String serverBase, Date now,
            @Nullable Identifier transaction) {
        ClaimResponse response = currentResponse(claim.id()).orElseThrow(() -> new OverturnException(ErrorCode.BUSINESS_RULE,
                "Claim/" + claim.id() + " already has the identifier " + identifier.getSystem() + "|" + identifier.getValue()
                        + " but was not submitted through Claim/$submit; give the request a new identifier",
                "Claim.identifier"));
        return responses.bundle(serverBase, response, this::read, now, transaction);
    }

    /** The ClaimResponse the PA Task of a submitted Claim points at, if the Claim came through $submit. */
    private Optional<ClaimResponse> currentResponse(String claimId) {
        return cases.submittedResponse("Claim/" + claimId);
    }

    /**
     * PAS 2.2.1 inquiry: the Claim's patient (matched on member identifiers: type MB if given, else any), insurer
     * and provider (matched on identifiers) select earlier requests; when one of them carries the inquiry Claim's
     * identifier, only those are answered. Each match is answered with its current response Bundle.
     */
    public Parameters inquire(PasRequest inquiry, String serverBase) {
        Claim claim = inquiry.claim();
        Patient patient = inquiry.resolve(claim.getPatient(), Patient.class).orElseThrow();
        Organization insurer = inquiry.resolve(claim.getInsurer(), Organization.class).orElseThrow();
        Resource provider = inquiry.resolve(claim.getProvider(), Resource.class).orElseThrow();
        List<Identifier> members = patient.getIdentifier().stream()
                .filter(i -> i.hasValue() && i.getType().hasCoding(PasProfiles.V2_0203, "MB")).toList();
        if (members.isEmpty()) {
            members = patient.getIdentifier().stream().filter(Identifier::hasValue).toList();
        }
        Set<String> insurers = keys(insurer.getIdentifier());
        Set<String> providers = providerKeys(provider, ref -> inquiry.byReference().containsKey(ref)
                ? Optional.of(inquiry.byReference().get(ref)) : Optional.empty());
        List<String> missing = new ArrayList<>();
        if (members.isEmpty()) {
            missing.add("Patient.identifier (the member id the request was submitted with)");
        }
        if (insurers.isEmpty()) {
            missing.add("Organization.identifier of Claim.insurer");
        }
        if (providers.isEmpty()) {
            missing.add("the identifier (e.g. NPI) of Claim.provider");
        }
        if (!missing.isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, "An inquiry matches on the member, the provider and the"
                    + " insurer; required element(s) missing: " + String.join(", ", missing), "Claim.patient");
        }

        var candidates = store.search(store.parse("Claim", Map.of(
                "use", List.of("preauthorization"),
                "patient.identifier", List.of(String.join(",", members.stream().map(PasService::token).toList())),
                "_sort", List.of("-_lastUpdated"),
                "_count", List.of(Integer.toString(INQUIRY_LIMIT))), false));
        List<Claim> matches = new ArrayList<>();
        for (StoredResource candidate : candidates.items()) {
            Claim earlier = (Claim) candidate.content();
            boolean insurerMatches = read(earlier.getInsurer().getReference())
                    .map(o -> o instanceof Organization org ? keys(org.getIdentifier()) : Set.<String>of())
                    .filter(ids -> ids.stream().anyMatch(insurers::contains)).isPresent();
            boolean providerMatches = read(earlier.getProvider().getReference())
                    .map(p -> providerKeys(p, this::read))
                    .filter(ids -> ids.stream().anyMatch(providers::contains)).isPresent();
            if (insurerMatches && providerMatches) {
                matches.add(earlier);
            }
        }
        Set<String> asked = keys(claim.getIdentifier());
        List<Claim> named = matches.stream().filter(c -> keys(c.getIdentifier()).stream().anyMatch(asked::contains)).toList();
        Date now = Date.from(clock.instant());
        Parameters result = new Parameters();
        for (Claim match : named.isEmpty() ? matches : named) {
            if (!submittedByCaller(match.getIdElement().getIdPart())) {
                continue; // another provider's request: not this caller's to know of
            }
            currentResponse(match.getIdElement().getIdPart()).ifPresent(response -> result.addParameter()
                    .setName("return").setResource(responses.bundle(serverBase, response, this::read, now, inquiry.transaction())));
        }
        return result;
    }

    /** Whether the caller's client submitted the request; the server's own work and development mode see all. */
    private boolean submittedByCaller(String claimId) {
        Optional<String> caller = client.get();
        return caller.isEmpty() || submissions.submitter(claimId).equals(caller);
    }

    private static String payerName(Organization insurer) {
        return insurer.hasName() ? insurer.getName()
                : insurer.getIdentifierFirstRep().getSystem() + "|" + insurer.getIdentifierFirstRep().getValue();
    }

    /** A provider's identifiers, and for a PractitionerRole those of its practitioner and organization. */
    static Set<String> providerKeys(Resource provider, Function<String, Optional<Resource>> read) {
        Set<String> out = new HashSet<>();
        if (provider instanceof Practitioner p) {
            out.addAll(keys(p.getIdentifier()));
        } else if (provider instanceof Organization o) {
            out.addAll(keys(o.getIdentifier()));
        } else if (provider instanceof PractitionerRole role) {
            out.addAll(keys(role.getIdentifier()));
            read.apply(role.getPractitioner().getReference()).ifPresent(r -> out.addAll(providerKeys(r, read)));
            read.apply(role.getOrganization().getReference()).ifPresent(r -> out.addAll(providerKeys(r, read)));
        }
        return out;
    }

    static Set<String> keys(List<Identifier> identifiers) {
        Set<String> out = new HashSet<>();
        identifiers.stream().filter(Identifier::hasValue).forEach(i -> out.add(i.getSystem() + "|" + i.getValue()));
        return out;
    }

    private Optional<Resource> read(@Nullable String reference) {
        return store.find(reference).map(s -> (Resource) s.resource());
    }

    /** A token search value ({@code system|value}) with the search syntax's special characters escaped. */
    static String token(Identifier identifier) {
        return identifier.hasSystem() ? token(identifier.getSystem(), identifier.getValue()) : escape(identifier.getValue());
    }

    private static String token(String system, String value) {
        return escape(system) + "|" + escape(value);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace(",", "\\,").replace("|", "\\|").replace("$", "\\$");
    }
}
