package org.overturn.subscriptions;

import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a topic-based Subscription asks for, read and checked by {@link SubscriptionReader}: the topic, the filters
 * (each one criterion; all must match), and the rest-hook channel.
 *
 * @param mimeType channel.payload, the Content-Type notifications are sent with
 * @param content empty, id-only or full-resource
 * @param heartbeatSeconds backport-heartbeat-period, null for no heartbeats
 * @param timeoutSeconds backport-timeout, null for the server's delivery timeout
 */
record BackportSubscription(
        Topic topic,
        List<Criterion> filters,
        URI endpoint,
        List<Header> headers,
        String mimeType,
        String content,
        @Nullable Integer heartbeatSeconds,
        @Nullable Integer timeoutSeconds) {

    BackportSubscription {
        filters = List.copyOf(filters);
        headers = List.copyOf(headers);
    }

    /** One filter: the topic's filter {@code name}, matched by any of {@code values}. */
    record Criterion(String name, List<String> values) {
        Criterion {
            values = List.copyOf(values);
        }
    }

    /** One channel.header, sent as given ("Authorization: Bearer xyz"). */
    record Header(String name, String value) {}

    /** Whether a change from {@code other} needs a new handshake: a different endpoint, topic or delivery. */
    boolean sameChannel(BackportSubscription other) {
        return topic.url().equals(other.topic.url()) && filters.equals(other.filters) && endpoint.equals(other.endpoint)
                && headers.equals(other.headers) && mimeType.equals(other.mimeType) && content.equals(other.content);
    }
}
