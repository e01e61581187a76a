package org.overturn.subscriptions;

import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.security.AccessContext;
import org.overturn.security.Interaction;
import org.overturn.security.SmartAccess;
import org.overturn.store.WriteRule;
import org.jspecify.annotations.Nullable;

/**
 * What a client may write as a Subscription, on every write path: a topic-based Subscription this server can serve
 * ({@link SubscriptionReader}), and a status it may set. The client asks ({@code requested}) or stops ({@code off});
 * {@code active} and {@code error} are the server's to set, after the handshake and after failed deliveries. A
 * client may keep an active Subscription active while it changes nothing about where and what is sent.
 *
 * <p>A Subscription written with a token stays within the token's reach: notifications carry every resource the topic
 * matches, so the token must read all of the topic's type (and, for full-resource content, all of each type such a
 * notification carries). Who may see the Subscription afterwards is the store's business (its owner tag).
 */
final class SubscriptionRule implements WriteRule {
    private static final Set<SubscriptionStatus> CLIENT_STATUSES = Set.of(SubscriptionStatus.REQUESTED, SubscriptionStatus.OFF);

    private final SubscriptionReader reader;
    private final AccessContext access;

    SubscriptionRule(SubscriptionReader reader, AccessContext access) {
        this.reader = reader;
        this.access = access;
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
        withinReach(asked);
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

    private void withinReach(BackportSubscription asked) {
        SmartAccess caller = access.current();
        if (caller.unrestricted()) {
            return;
        }
        java.util.List<String> sent = asked.content().equals(BackportProfiles.FULL_RESOURCE)
                ? asked.topic().fullResourceTypes() : java.util.List.of(asked.topic().resource());
        for (String type : sent) {
            if (!caller.reachesAll(type, Interaction.READ)) {
                throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "A Subscription to " + asked.topic().url()
                        + " is sent " + (type.equals("*") ? "resources of any type" : "every " + type + " it matches")
                        + " across patients; the token must read all of " + (type.equals("*") ? "every type" : type)
                        + " (a user or system scope without a search restriction)"
                        + (asked.content().equals(BackportProfiles.FULL_RESOURCE) ? ", or ask for id-only content" : ""),
                        "Subscription.criteria");
            }
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
