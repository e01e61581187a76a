package org.overturn.subscriptions;

import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Subscription/{id}/$events} call, converted at the edge ({@link #parse}).
 *
 * @param since the first event number, 1 or more; null: from the first
 * @param until the last event number (inclusive), 1 or more; null: up to the latest
 * @param content the payload asked for; null: the Subscription's own
 */
public record EventsRequest(String subscriptionId, @Nullable Long since, @Nullable Long until, @Nullable Content content) {
    /** The notification payloads of the Backport IG. */
    public enum Content {
        EMPTY(BackportProfiles.EMPTY),
        ID_ONLY(BackportProfiles.ID_ONLY),
        FULL_RESOURCE(BackportProfiles.FULL_RESOURCE);

        private final String code;

        Content(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * The operation's parameters as they came (each optional); a number that is not 1 or more, or a content that is
     * not one of {@link Content}, is 400. The parameters are checked in the order since, until, content.
     */
    public static EventsRequest parse(String subscriptionId, @Nullable String since, @Nullable String until,
            @Nullable String content) {
        return new EventsRequest(subscriptionId, number(since, "eventsSinceNumber"), number(until, "eventsUntilNumber"),
                content(content));
    }

    private static @Nullable Long number(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter '" + name + "' must be an event number (1 or more),"
                + " not '" + value + "'", name);
    }

    private static @Nullable Content content(@Nullable String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        for (Content c : Content.values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'content' must be empty, id-only or full-resource",
                "content");
    }
}
