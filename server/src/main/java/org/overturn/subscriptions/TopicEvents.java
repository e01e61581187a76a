package org.overturn.subscriptions;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.overturn.store.StoredResource;

/**
 * Where a feature reports that something happened on a subscription topic. Call it inside the transaction that made
 * the change: the notifications are queued with it (transactional outbox), so they exist exactly when the change does.
 */
public interface TopicEvents {

    /**
     * Queues an event notification for every Subscription of {@code topic} whose filters match.
     *
     * @param topic the topic's canonical URL (listed in {@code subscriptions/topics.yaml})
     * @param focus the version of the resource the event is about (the topic's resource type)
     * @param filterValues per filter name of the topic, the values this event has (identifiers as {@code system|value},
     *     references as {@code Type/id}); a Subscription filter matches when one of its values is among them
     * @param additionalContext references to other resources that explain the event: {@code Type/id/_history/n}, the
     *     version as of the event, which full-resource notifications carry; or {@code Type/id}, its version at delivery
     */
    void publish(String topic, StoredResource focus, Map<String, ? extends Collection<String>> filterValues,
            List<String> additionalContext);
}
