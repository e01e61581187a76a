package org.overturn.pas;

import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.platform.SystemWork;
import org.overturn.profiles.PasProfiles;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteListener;
import org.overturn.subscriptions.TopicContent;
import org.overturn.subscriptions.TopicEvents;
import org.jspecify.annotations.Nullable;

/**
 * The Da Vinci PAS subscription topic. Whenever the ClaimResponse of a pended request (an item with review action A4,
 * or queued for a routed payer) gets a new version, however it is written (the outbox worker with the payer's
 * answer or failure, a REST update, a transaction), an event for the requesting provider's identifiers is queued in
 * the same transaction. A full-resource notification's focus is the PAS response Bundle (as PAS's notification example
 * and topic's notification shape have it): the ClaimResponse first, then what it references, the Claim included.
 */
final class PasSubscriptionTopic implements WriteListener, TopicContent {
    private final Supplier<ResourceStore> store;
    private final TopicEvents events;
    private final PasResponseFactory responses;
    private final Clock clock;

    /** @param store looked up at use: the store itself calls this listener */
    PasSubscriptionTopic(Supplier<ResourceStore> store, TopicEvents events, PasResponseFactory responses, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.events = events;
        this.responses = responses;
    }

    @Override
    public String resourceType() {
        return "ClaimResponse";
    }

    @Override
    public String topic() {
        return PasProfiles.SUBSCRIPTION_TOPIC;
    }

    @Override
    public void written(@Nullable IBaseResource previous, StoredResource current) {
        if (!(previous instanceof ClaimResponse before) || !(current.resource() instanceof ClaimResponse after)
                || after.getUse() != ClaimResponse.Use.PREAUTHORIZATION || !pended(before)) {
            return;
        }
        Set<String> providers = read(after.getRequestor().getReference())
                .map(p -> PasService.providerKeys(p, this::read)).orElse(Set.of()).stream()
                .map(k -> k.startsWith("null|") ? k.substring("null|".length()) : k)
                .collect(Collectors.toSet());
        // The Claim as it stands at the event (a later update of the request is a Claim of its own).
        List<String> context = read(after.getRequest().getReference()).filter(claim -> claim.getMeta().hasVersionId())
                .map(claim -> claim.fhirType() + "/" + claim.getIdElement().getIdPart() + "/_history/" + claim.getMeta().getVersionId())
                .or(() -> Optional.ofNullable(after.getRequest().getReference())).stream().toList();
        events.publish(PasProfiles.SUBSCRIPTION_TOPIC, current, Map.of(PasProfiles.TOPIC_FILTER_ORG, providers), context);
    }

    /** Waiting for the payer: an item pended (A4), as every item of a request still queued at a routed payer is. */
    static boolean pended(ClaimResponse response) {
        for (ClaimResponse.ItemComponent item : response.getItem()) {
            for (ClaimResponse.AdjudicationComponent adjudication : item.getAdjudication()) {
                Extension code = PasProfiles.reviewActionCode(adjudication);
                if (code != null && code.getValue() instanceof CodeableConcept concept
                        && concept.hasCoding(PasProfiles.X12_306, "A4")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public Resource fullResource(Resource focus, String serverBase) {
        return responses.bundle(serverBase, focus, this::read, Date.from(clock.instant()));
    }

    /** The topic's own bookkeeping, whoever made the write: it reads the requestor as the server. */
    private Optional<Resource> read(@Nullable String reference) {
        return SystemWork.call("pas-subscription-topic",
                () -> store.get().find(reference).map(s -> (Resource) s.resource()));
    }
}
