package org.overturn.subscriptions;

import java.time.Clock;
import java.time.Instant;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.overturn.platform.OverturnException;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteListener;
import org.jspecify.annotations.Nullable;

/**
 * Keeps {@code subscription_state} in step with each written Subscription, in the same transaction: its topic,
 * filters, status and heartbeat. A Subscription that becomes {@code requested} (new, asked again, or with a new
 * channel) gets a handshake queued; one that becomes {@code active} gets its first heartbeat scheduled.
 */
final class SubscriptionListener implements WriteListener {
    private final SubscriptionReader reader;
    private final NotificationOutbox outbox;
    private final Clock clock;

    SubscriptionListener(SubscriptionReader reader, NotificationOutbox outbox, Clock clock) {
        this.reader = reader;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public String resourceType() {
        return "Subscription";
    }

    @Override
    public void written(@Nullable IBaseResource previous, StoredResource current) {
        String id = current.id();
        if (current.deleted() || current.resource() == null) {
            outbox.deleteState(id); // its queued notifications go with it
            return;
        }
        Subscription after = (Subscription) current.resource();
        Subscription before = (Subscription) previous;
        SubscriptionStatus status = after.getStatus();
        BackportSubscription subscription;
        try {
            subscription = reader.read(after);
        } catch (OverturnException e) {
            // Only the server's status change can store a Subscription that no longer passes (say its host was taken
            // off the allow-list since): record the status, nothing else changes.
            outbox.saveStatus(id, status.toCode());
            outbox.scheduleHeartbeat(id, null);
            return;
        }
        Instant now = clock.instant();
        outbox.saveState(id, subscription.topic().url(), status.toCode(), subscription.filters(), subscription.heartbeatSeconds());
        SubscriptionStatus was = before == null ? null : before.getStatus();
        if (status == SubscriptionStatus.REQUESTED && (was != SubscriptionStatus.REQUESTED || !sameChannel(before, subscription))) {
            outbox.enqueueHandshake(id, subscription.topic().url(), now);
        }
        if (status != SubscriptionStatus.ACTIVE || subscription.heartbeatSeconds() == null) {
            outbox.scheduleHeartbeat(id, null);
        } else if (was != SubscriptionStatus.ACTIVE || !java.util.Objects.equals(heartbeat(before), subscription.heartbeatSeconds())) {
            outbox.scheduleHeartbeat(id, now.plusSeconds(subscription.heartbeatSeconds()));
        }
    }

    private boolean sameChannel(@Nullable Subscription before, BackportSubscription after) {
        try {
            return before != null && reader.read(before).sameChannel(after);
        } catch (OverturnException e) {
            return false;
        }
    }

    private @Nullable Integer heartbeat(@Nullable Subscription before) {
        try {
            return before == null ? null : reader.read(before).heartbeatSeconds();
        } catch (OverturnException e) {
            return null;
        }
    }
}
