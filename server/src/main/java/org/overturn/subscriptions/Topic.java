package org.overturn.subscriptions;

import java.util.List;
import java.util.Optional;

/**
 * A subscription topic this server publishes: its canonical URL (what a Subscription names in {@code criteria}), the
 * resource type whose changes trigger it, and the filters a Subscription may narrow it with. Loaded from
 * {@code subscriptions/topics.yaml}.
 *
 * @param fullResource what a full-resource notification carries for the focus
 */
public record Topic(
        String url, String title, String resource, String description, String source, String fullResource,
        List<Filter> filters) {

    public Topic {
        filters = List.copyOf(filters);
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
