package org.overturn.subscriptions;

import java.util.List;
import java.util.Optional;

/**
 * A subscription topic this server publishes: its canonical URL (what a Subscription names in {@code criteria}), the
 * resource type whose changes trigger it, and the filters a Subscription may narrow it with. Loaded from
 * {@code subscriptions/topics.yaml}.
 *
 * @param fullResource what a full-resource notification carries for the focus
 * @param fullResourceTypes the types a full-resource notification may carry ({@code *}: any): a subscriber's token
 *     must read all of each
 * @param anyFilterRequired whether a Subscription must name at least one filter (the topic spans every patient)
 */
public record Topic(
        String url, String title, String resource, String description, String source, String fullResource,
        List<Filter> filters, List<String> fullResourceTypes, boolean anyFilterRequired) {

    public Topic {
        filters = List.copyOf(filters);
        fullResourceTypes = List.copyOf(fullResourceTypes);
    }

    /** A topic whose full-resource notifications carry the focus alone, with no filter required. */
    public Topic(String url, String title, String resource, String description, String source, String fullResource,
            List<Filter> filters) {
        this(url, title, resource, description, source, fullResource, filters, List.of(resource), false);
    }

    /**
     * A filter: {@code token} values are identifiers ({@code system|value}; a bare value matches any system),
     * {@code reference} values are references ({@code Type/id}; an absolute URL matches by its last two segments).
     */
    public record Filter(String name, Type type, boolean required, String description) {
        public enum Type {
            TOKEN,
            REFERENCE
        }
    }

    Optional<Filter> filter(String name) {
        return filters.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
