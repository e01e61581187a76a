package org.overturn.pas;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.PasProfiles;
import org.jspecify.annotations.Nullable;

/**
 * Checks a PAS request or inquiry Bundle (PAS 2.2.1 "Prior authorization submission"): a collection whose first
 * entry is a Claim with use = preauthorization, and which holds every resource the Claim references, directly or
 * through other entries. Entries the Claim does not reach are left out and named ({@link PasRequest#ignored()}); an
 * earlier Claim that {@code Claim.related} names (a claim update) is named by its identifier, not stored again. A
 * Bundle that is not one is a 400 naming each entry or reference to fix; a resource lacking an element R4 or PAS
 * requires is a 422 listing them. Nothing is read from or written to the store here.
 */
public final class PasBundleReader {
    private static final Pattern RESTFUL_TAIL = Pattern.compile("^https?://.+/([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})$");
    private static final int MAX_PROBLEMS = 20;
    private static final Pattern RELATED_CLAIM = Pattern.compile("\\.related\\[\\d+]\\.claim");

    private final FhirContext ctx;
    private final Consumer<IBaseResource> requiredElements;

    /** @param requiredElements the check of the elements R4 requires, run on every entry the request reaches (throws 422) */
    PasBundleReader(FhirContext ctx, Consumer<IBaseResource> requiredElements) {
        this.ctx = ctx;
        this.requiredElements = requiredElements;
    }

    private record Found(String path, Reference reference) {}

    /**
     * @param inquiry an inquiry Bundle ($inquire) rather than a request ($submit): no items or identifier required
     */
    public PasRequest read(@Nullable IBaseResource body, boolean inquiry) {
        String what = inquiry ? "PAS inquiry Bundle" : "PAS request Bundle";
        if (!(body instanceof Bundle bundle)) {
            throw invalid("The body must be a " + what + " (a Bundle of type collection whose first entry is the Claim)"
                    + (body == null ? "; it was empty" : ", not a " + body.fhirType()), null);
        }
        if (bundle.getType() != Bundle.BundleType.COLLECTION) {
            throw invalid("Bundle.type must be 'collection' for a " + what + ", not '"
                    + (bundle.getType() == null ? "" : bundle.getType().toCode()) + "'", "Bundle.type");
        }
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        if (entries.isEmpty()) {
            throw invalid("The " + what + " has no entries; its first entry must be the Claim", "Bundle.entry");
        }
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).hasResource()) {
                throw invalid("Bundle.entry[" + i + "] has no resource", "Bundle.entry[" + i + "]");
            }
        }
        if (!(entries.get(0).getResource() instanceof Claim claim)) {
            throw invalid("Bundle.entry[0] must be the Claim, not a " + entries.get(0).getResource().fhirType()
                    + "; PAS puts the Claim first", "Bundle.entry[0].resource");
        }
        if (claim.getUse() != Claim.Use.PREAUTHORIZATION) {
            throw invalid("Claim.use must be 'preauthorization' for PAS, not '"
                    + (claim.getUse() == null ? "" : claim.getUse().toCode()) + "'", "Bundle.entry[0].resource.use");
        }

        Map<String, Integer> keys = keys(entries);
        Set<Integer> earlier = earlierClaims(claim, entries, keys);
        // As sent, before anything here rewrites a reference: a carried earlier Claim is then the same request as
        // when it was submitted first.
        String digest = digest(claim, entries, keys);
        List<String> relatedDigests = new ArrayList<>();
        for (Claim.RelatedClaimComponent related : claim.getRelated()) {
            Integer target = related.getClaim().hasReference() ? lookup(keys, related.getClaim().getReference()) : null;
            relatedDigests.add(target != null && earlier.contains(target)
                    ? digest((Claim) entries.get(target).getResource(), entries, keys) : "");
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).getResource() instanceof Claim && !earlier.contains(i)) {
                throw invalid("Bundle.entry[" + i + "] is a second Claim that Claim.related does not name; a " + what
                        + " holds one Claim, the first entry, and may carry the earlier Claims it updates",
                        "Bundle.entry[" + i + "]");
            }
        }
        Map<Reference, Integer> targets = new IdentityHashMap<>(); // HAPI elements have identity equality
        Map<Integer, List<Integer>> edges = new HashMap<>();
        Map<Integer, List<Found>> dangling = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Resource resource = entries.get(i).getResource();
            List<Integer> out = new ArrayList<>();
            for (Found found : references(resource)) {
                Integer target = lookup(keys, found.reference().getReference());
                if (target == null) {
                    if ((i == 0 && RELATED_CLAIM.matcher(found.path()).matches()) || earlier.contains(i)) {
                        // An earlier Claim the payer already has: named, not carried. An earlier Claim carried is not
                        // stored again, so what it names (the request before it) need not be carried either.
                        continue;
                    }
                    dangling.computeIfAbsent(i, k -> new ArrayList<>()).add(found);
                } else {
                    targets.put(found.reference(), target);
                    out.add(target);
                }
            }
            edges.put(i, out);
        }
        boolean[] reached = reachable(entries.size(), edges);
        // Only what the Claim reaches must be complete: an entry it does not reach is left out, not checked.
        List<String> problems = new ArrayList<>();
        String firstPath = null;
        for (int i = 0; i < entries.size(); i++) {
            for (Found d : reached[i] ? dangling.getOrDefault(i, List.of()) : List.<Found>of()) {
                String path = "Bundle.entry[" + i + "].resource" + d.path();
                firstPath = firstPath == null ? path : firstPath;
                if (problems.size() < MAX_PROBLEMS) {
                    problems.add(path + " refers to '" + d.reference().getReference() + "', which is not in the Bundle");
                }
            }
        }
        // An inquiry stores nothing and matches on the Claim's patient, insurer, provider and identifiers (checked
        // below): what else it names (supporting documents of the request asked about) need not be carried.
        if (!problems.isEmpty() && !inquiry) {
            throw invalid(String.join("; ", problems) + ". A " + what + " must hold every resource it references;"
                    + " add them as entries (fullUrl = the reference)", firstPath);
        }
        checkClaimTargets(claim, entries, targets, inquiry);

        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (earlier.contains(i)) {
                reached[i] = false; // the earlier request is stored already (or at the payer): named, not stored again
            } else if (reached[i]) {
                requiredElements.accept(entries.get(i).getResource());
            } else {
                ignored.add("Bundle.entry[" + i + "] (" + entries.get(i).getResource().fhirType() + ")");
            }
        }
        checkPasElements(claim, inquiry);
        nameEarlierClaims(claim, entries, keys);
        Identifier transaction = bundle.hasIdentifier() && bundle.getIdentifier().hasValue() ? bundle.getIdentifier().copy() : null;
        return assignIds(entries, targets, reached, ignored, transaction, digest, relatedDigests);
    }

    /** Entries that the first Claim's related.claim points at: the earlier requests a claim update replaces. */
    private static Set<Integer> earlierClaims(Claim claim, List<Bundle.BundleEntryComponent> entries, Map<String, Integer> keys) {
        Set<Integer> earlier = new java.util.HashSet<>();
        for (Claim.RelatedClaimComponent related : claim.getRelated()) {
            Integer target = related.getClaim().hasReference() ? lookup(keys, related.getClaim().getReference()) : null;
            if (target != null && target > 0 && entries.get(target).getResource() instanceof Claim) {
                earlier.add(target);
            }
        }
        return earlier;
    }

    /**
     * A related Claim carried in the Bundle is not stored again: the reference to it names it by its business
     * identifier, which is how $inquire and the stored case find the earlier request.
     */
    private static void nameEarlierClaims(Claim claim, List<Bundle.BundleEntryComponent> entries, Map<String, Integer> keys) {
        for (Claim.RelatedClaimComponent related : claim.getRelated()) {
            Integer target = related.getClaim().hasReference() ? lookup(keys, related.getClaim().getReference()) : null;
            if (target != null && target > 0 && entries.get(target).getResource() instanceof Claim earlier) {
                Reference named = new Reference().setType("Claim");
                earlier.getIdentifier().stream().filter(id -> id.hasValue()).findFirst()
                        .ifPresentOrElse(id -> named.setIdentifier(id.copy()), () -> named.setDisplay("earlier request"));
                related.setClaim(named);
            }
        }
    }

    /** Every key an entry can be referenced by: its fullUrl, the Type/id tail of a RESTful fullUrl, its Type/id. */
    private static Map<String, Integer> keys(List<Bundle.BundleEntryComponent> entries) {
        Map<String, Integer> keys = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Resource resource = entries.get(i).getResource();
            List<String> names = new ArrayList<>();
            String fullUrl = entries.get(i).getFullUrl();
            if (fullUrl != null && !fullUrl.isBlank()) {
                names.add(fullUrl);
                Matcher m = RESTFUL_TAIL.matcher(fullUrl);
                if (m.matches()) {
                    names.add(m.group(1) + "/" + m.group(2));
                }
            }
            IdType id = resource.getIdElement();
            if (id.hasIdPart() && id.getValue() != null && !id.getValue().startsWith("urn:")) {
                names.add(resource.fhirType() + "/" + id.getIdPart());
            }
            for (String name : names) {
                Integer previous = keys.putIfAbsent(name, i);
                if (previous != null && previous != i) {
                    throw invalid("Bundle.entry[" + i + "] and Bundle.entry[" + previous + "] are both '" + name
                            + "'; each resource appears once", "Bundle.entry[" + i + "].fullUrl");
                }
            }
        }
        return keys;
    }

    private static @Nullable Integer lookup(Map<String, Integer> keys, String value) {
        String unversioned = value.contains("/_history/") ? value.substring(0, value.indexOf("/_history/")) : value;
        Integer found = keys.get(unversioned);
        if (found == null) {
            Matcher m = RESTFUL_TAIL.matcher(unversioned);
            if (m.matches()) {
                found = keys.get(m.group(1) + "/" + m.group(2));
            }
        }
        return found;
    }

    /** The Claim's own references must point at resources of the kinds PAS names. */
    private static void checkClaimTargets(
            Claim claim, List<Bundle.BundleEntryComponent> entries, Map<Reference, Integer> targets, boolean inquiry) {
        List<String> problems = new ArrayList<>();
        expect(claim.getPatient(), "patient", Set.of("Patient"), entries, targets, problems);
        expect(claim.getInsurer(), "insurer", Set.of("Organization"), entries, targets, problems);
        expect(claim.getProvider(), "provider", Set.of("Practitioner", "PractitionerRole", "Organization"), entries, targets, problems);
        for (int i = 0; i < claim.getInsurance().size(); i++) {
            expect(claim.getInsurance().get(i).getCoverage(), "insurance[" + i + "].coverage", Set.of("Coverage"), entries, targets, problems);
        }
        if (!inquiry) {
            for (int i = 0; i < claim.getItem().size(); i++) {
                Extension requested = claim.getItem().get(i).getExtensionByUrl(PasProfiles.REQUESTED_SERVICE);
                if (requested != null && requested.getValue() instanceof Reference ref) {
                    expect(ref, "item[" + i + "].extension(requestedService)",
                            Set.of("MedicationRequest", "ServiceRequest", "DeviceRequest"), entries, targets, problems);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw invalid(String.join("; ", problems), "Bundle.entry[0].resource");
        }
    }

    private static void expect(Reference ref, String field, Set<String> types, List<Bundle.BundleEntryComponent> entries,
            Map<Reference, Integer> targets, List<String> problems) {
        if (!ref.hasReference()) {
            return; // absent: reported with the required elements
        }
        Integer target = targets.get(ref);
        if (target == null) {
            problems.add("Claim." + field + " refers to '" + ref.getReference() + "', which is not in the Bundle; add it as an"
                    + " entry (fullUrl = the reference)");
            return;
        }
        String type = entries.get(target).getResource().fhirType();
        if (!types.contains(type)) {
            problems.add("Claim." + field + " must reference a " + String.join(" or ", types.stream().sorted().toList())
                    + " entry, not a " + type);
        }
    }

    /**
     * Which entries the Claim reaches, directly or through other entries. PAS sends supporting information through
     * Claim.supportingInfo; the request Bundle profile has no rule against other entries, so those are left out.
     */
    private static boolean[] reachable(int size, Map<Integer, List<Integer>> edges) {
        boolean[] seen = new boolean[size];
        Deque<Integer> queue = new ArrayDeque<>(List.of(0));
        seen[0] = true;
        while (!queue.isEmpty()) {
            for (int next : Objects.requireNonNull(edges.get(queue.poll()), "every entry has its list of edges")) {
                if (!seen[next]) {
                    seen[next] = true;
                    queue.add(next);
                }
            }
        }
        return seen;
    }

    /** What PAS requires beyond R4: a business identifier, the insurer, and (for a request) at least one item. */
    private static void checkPasElements(Claim claim, boolean inquiry) {
        List<String> missing = new ArrayList<>();
        if (!inquiry && claim.getIdentifier().stream().noneMatch(i -> i.hasValue())) {
            missing.add("Claim.identifier (the request's business identifier, which $inquire and resubmissions match on)");
        }
        if (!claim.getInsurer().hasReference()) {
            missing.add("Claim.insurer (the payer Organization)");
        }
        if (!inquiry && claim.getItem().isEmpty()) {
            missing.add("Claim.item (at least one requested drug or service)");
        }
        if (!missing.isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, "Required element(s) missing: " + String.join(", ", missing),
                    missing.get(0).substring(0, missing.get(0).indexOf(' ')));
        }
    }

    /** New server ids for every entry the Claim reaches, and every reference rewritten to the target's Type/id. */
    private static PasRequest assignIds(
            List<Bundle.BundleEntryComponent> entries, Map<Reference, Integer> targets, boolean[] reached, List<String> ignored,
            @Nullable Identifier transaction, String digest, List<String> relatedDigests) {
        List<String> ids = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : entries) {
            ids.add(entry.getResource().fhirType() + "/" + UUID.randomUUID());
        }
        targets.forEach((ref, target) -> {
            ref.setReference(ids.get(target));
            ref.setResource(null);
        });
        List<Resource> resources = new ArrayList<>();
        Map<String, Resource> byReference = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!reached[i]) {
                continue;
            }
            Resource resource = entries.get(i).getResource();
            resource.setIdElement(new IdType(ids.get(i)));
            resources.add(resource);
            byReference.put(ids.get(i), resource);
        }
        return new PasRequest((Claim) resources.get(0), resources, byReference, ignored, transaction, digest, relatedDigests);
    }

    /**
     * SHA-256 of what the Claim asks, as sent, less what a retry of the same request may change: id, meta, narrative,
     * creation time, and the Bundle's own names for its entries (a client may give them new urn:uuids each time). A
     * reference to an entry counts as that entry's type and business identifiers (the member id, the NPI). Which
     * earlier request it updates ({@code related}) is not part of what it asks.
     */
    private String digest(Claim claim, List<Bundle.BundleEntryComponent> entries, Map<String, Integer> keys) {
        Claim asked = claim.copy();
        asked.setIdElement(null);
        asked.setMeta(null);
        asked.setText(null);
        asked.setCreatedElement(null);
        asked.getRelated().clear();
        for (Found found : references(asked)) {
            found.reference().setResource(null); // else the parser writes the id of the entry it linked, its urn:uuid
            Integer target = lookup(keys, found.reference().getReference());
            if (target != null) {
                Resource resource = entries.get(target).getResource();
                List<String> identifiers = new ArrayList<>();
                if (ctx.getResourceDefinition(resource).getChildByName("identifier") != null) {
                    ctx.newTerser().getValues(resource, "identifier", Identifier.class)
                            .forEach(i -> identifiers.add(i.getSystem() + "|" + i.getValue()));
                }
                java.util.Collections.sort(identifiers);
                found.reference().setReference(resource.fhirType() + identifiers);
            }
        }
        return java.util.HexFormat.of().formatHex(org.overturn.platform.Sha256.of(ctx.newJsonParser().encodeResourceToString(asked)));
    }

    /** Every populated Reference with a literal reference, with its FHIRPath-like path below the resource. */
    private List<Found> references(Resource resource) {
        List<Found> out = new ArrayList<>();
        walk(resource, ctx.getResourceDefinition(resource), "", out);
        return out;
    }

    private void walk(IBase element, BaseRuntimeElementCompositeDefinition<?> def, String path, List<Found> out) {
        for (BaseRuntimeChildDefinition child : def.getChildren()) {
            if (child.getElementName().equals("contained")) {
                continue;
            }
            List<IBase> values = child.getAccessor().getValues(element);
            for (int i = 0; i < values.size(); i++) {
                IBase value = values.get(i);
                if (value instanceof IBaseResource) {
                    continue;
                }
                String name = child.getChildNameByDatatype(value.getClass());
                String childPath = path + "." + (name == null ? child.getElementName() : name) + (child.getMax() == 1 ? "" : "[" + i + "]");
                if (value instanceof Reference ref) {
                    if (ref.hasReference() && !ref.getReference().startsWith("#")) {
                        out.add(new Found(childPath, ref));
                    }
                    continue;
                }
                BaseRuntimeElementDefinition<?> valueDef = ctx.getElementDefinition(value.getClass());
                if (valueDef instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
                    walk(value, composite, childPath, out);
                }
            }
        }
    }

    private static OverturnException invalid(String message, @Nullable String expression) {
        return new OverturnException(ErrorCode.INVALID_BUNDLE, message, expression);
    }
}
