package org.overturn.subscriptions;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.overturn.store.StoredResource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link TopicEvents} as rows in {@code subscription_notification}: each matching Subscription gets the next number
 * of its counter (under its row lock) and a row, in the caller's transaction. Subscriptions are visited in id order,
 * so two transactions publishing to the same subscriptions take their locks in the same order.
 */
final class OutboxTopicEvents implements TopicEvents {
    private final TopicCatalog topics;
    private final NotificationOutbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;

    OutboxTopicEvents(TopicCatalog topics, NotificationOutbox outbox, TransactionTemplate tx, Clock clock) {
        this.topics = topics;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public void publish(String topicUrl, StoredResource focus, Map<String, ? extends Collection<String>> filterValues,
            List<String> additionalContext) {
        Topic topic = topics.require(topicUrl);
        if (!focus.type().equals(topic.resource())) {
            throw new IllegalArgumentException("topic " + topicUrl + " is about " + topic.resource() + ", not " + focus.type());
        }
        Instant now = clock.instant();
        // Joins the caller's transaction; on its own it is one transaction.
        tx.executeWithoutResult(status -> {
            for (NotificationOutbox.State subscriber : outbox.subscribers(topicUrl)) {
                if (FilterMatch.matches(topic, subscriber.filters(), filterValues)) {
                    long number = outbox.nextEventNumber(subscriber.subscriptionId());
                    outbox.enqueueEvent(subscriber.subscriptionId(), number, topicUrl, focus.type(), focus.id(), focus.version(),
                            additionalContext, now);
                }
            }
        });
    }
}
