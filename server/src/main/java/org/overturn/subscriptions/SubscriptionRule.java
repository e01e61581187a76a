package org.overturn.subscriptions;

import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.WriteRule;
import org.springframework.lang.Nullable;

/**
 * What a client may write as a Subscription, on every write path: a topic-based Subscription this server can serve
 * ({@link SubscriptionReader}), and a status it may set. The client asks ({@code requested}) or stops ({@code off});
 * {@code active} and {@code error} are the server's to set, after the handshake and after failed deliveries. A
 * client may keep an active Subscription active while it changes nothing about where and what is sent.
 */
final class SubscriptionRule implements WriteRule {
    private static final Set<SubscriptionStatus> CLIENT_STATUSES = Set.of(SubscriptionStatus.REQUESTED, SubscriptionStatus.OFF);

    private final SubscriptionReader reader;

    SubscriptionRule(SubscriptionReader reader) {
        this.reader = reader;
    }

    @Override
    public String resourceType() {
        return "Subscription";
    }

    @Override
    public void check(@Nullable IBaseResource previous, IBaseResource next) {
        Subscription after = (Subscription) next;
        Subscription before = (Subscription) previous;
        SubscriptionStatus status = after.getStatus();
        String id = before != null ? before.getIdElement().getIdPart() : after.getIdElement().getIdPart();
        if (status != null && ServerStatusChange.isCurrent(id, status.toCode())) {
            return; // the server's own status change of a Subscription it accepted earlier
        }
        BackportSubscription asked = reader.read(after);
        if (status == null || CLIENT_STATUSES.contains(status)) {
            return;
        }
        if (before == null || before.getStatus() != status) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, "Subscription.status " + status.toCode() + " is set by the server"
                    + " (active after a successful handshake, error after failed deliveries); send 'requested' to (re)start"
                    + " the Subscription with a handshake, or 'off' to stop it", "Subscription.status");
        }
        if (!sameChannel(before, asked)) {
            throw new OverturnException(ErrorCode.BUSINESS_RULE, "Changing the topic, filters, endpoint, headers or payload of"
                    + " a Subscription needs status 'requested', so that the new channel gets a handshake", "Subscription.status");
        }
    }

    private boolean sameChannel(Subscription before, BackportSubscription asked) {
        try {
            return reader.read(before).sameChannel(asked);
        } catch (OverturnException e) {
            return false; // the stored version no longer passes (e.g. a host taken off the allow-list): treat as changed
        }
    }
}
