package org.overturn.subscriptions;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Marks the write in progress on this thread as the server's own change of a Subscription's status (active after a
 * handshake, error after failed deliveries), which {@link SubscriptionRule} refuses from clients.
 */
final class ServerStatusChange {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private ServerStatusChange() {}

    static <T> T during(String subscriptionId, String status, Supplier<T> write) {
        CURRENT.set(subscriptionId + "=" + status);
        try {
            return write.get();
        } finally {
            CURRENT.remove();
        }
    }

    static boolean isCurrent(@Nullable String subscriptionId, String status) {
        return subscriptionId != null && (subscriptionId + "=" + status).equals(CURRENT.get());
    }
}
