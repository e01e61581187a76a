package org.overturn.pas;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.jspecify.annotations.Nullable;

/**
 * A checked PAS request (or inquiry) Bundle: the Claim first, then every resource it references, each with a new
 * server id and every reference rewritten to {@code Type/id}, so the resources can be stored as they are.
 *
 * @param ignored the entries the Claim does not reach ("Bundle.entry[3] (PractitionerRole)"), left out
 * @param transaction the Bundle's identifier, the submitter's transaction identifier (X12 BHT03) that the response
 *     Bundle carries back, if it had one
 * @param digest what the request asks, as a digest of its Claim as sent (without id, meta, narrative and creation
 *     time, which a client's retry may change): a request under an identifier already used is the same request
 *     exactly when its digest is the same
 * @param relatedDigests for each {@code Claim.related}, the digest of the earlier Claim it names when the Bundle
 *     carries it (which earlier request it is, when several were sent under one identifier), else ""
 */
public record PasRequest(Claim claim, List<Resource> resources, Map<String, Resource> byReference, List<String> ignored,
        @Nullable Identifier transaction, String digest, List<String> relatedDigests) {

    public PasRequest {
        relatedDigests = List.copyOf(relatedDigests);
        resources = List.copyOf(resources);
        byReference = Map.copyOf(byReference);
        ignored = List.copyOf(ignored);
    }

    /** The resource a (rewritten) reference points at, if it is of {@code type}. */
    <T extends Resource> Optional<T> resolve(Reference reference, Class<T> type) {
        Resource target = reference.hasReference() ? byReference.get(reference.getReference()) : null;
        return type.isInstance(target) ? Optional.of(type.cast(target)) : Optional.empty();
    }

    <T extends Resource> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
