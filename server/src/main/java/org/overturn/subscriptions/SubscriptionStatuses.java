package org.overturn.subscriptions;

import java.time.Clock;
import java.util.Date;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.jspecify.annotations.Nullable;

/**
 * The server's own changes of a Subscription's status: a new version of the resource (so history shows when it went
 * active or into error), written as the server, and a Provenance naming the server and the reason.
 */
final class SubscriptionStatuses {
    static final String AGENT = "Overturn server (subscription delivery)";

    private final ResourceStore store;
    private final Clock clock;

    SubscriptionStatuses(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Sets {@code to} (with {@code error}, or clearing it) when the Subscription's status is one of {@code from}; a
     * client's change in between wins. Runs in the caller's transaction. Returns whether the status was changed.
     */
    boolean change(String id, Set<SubscriptionStatus> from, SubscriptionStatus to, @Nullable String error, String why) {
        StoredResource current = store.read("Subscription", id);
        Subscription subscription = (Subscription) current.resource();
        if (subscription == null || !from.contains(subscription.getStatus())) {
            return false;
        }
        subscription.setStatus(to);
        subscription.setError(error);
        WriteResult written;
        try {
            written = ServerStatusChange.during(id, to.toCode(),
                    () -> store.update("Subscription", id, subscription, current.version()));
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.VERSION_MISMATCH) {
                return false; // the client wrote a new version meanwhile; its status stands
            }
            throw e;
        }
        Provenance provenance = new Provenance();
        provenance.addTarget(new Reference(written.stored().versionedReference()));
        provenance.setRecorded(Date.from(clock.instant()));
        provenance.setActivity(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "UPDATE", "revise")));
        provenance.addAgent()
                .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "performer", "Performer")))
                .setWho(new Reference().setDisplay(AGENT));
        provenance.addReason().setText("Subscription.status " + to.toCode() + ": " + why);
        store.create(provenance, null);
        return true;
    }
}
