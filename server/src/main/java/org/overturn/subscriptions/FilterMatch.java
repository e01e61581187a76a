package org.overturn.subscriptions;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Whether an event passes a Subscription's filters: every criterion has a value among the event's. Pure. */
final class FilterMatch {
    private FilterMatch() {}

    static boolean matches(Topic topic, List<BackportSubscription.Criterion> filters,
            Map<String, ? extends Collection<String>> eventValues) {
        for (BackportSubscription.Criterion criterion : filters) {
            Topic.Filter filter = topic.filter(criterion.name()).orElse(null);
            Collection<String> have = eventValues.get(criterion.name());
            if (filter == null || have == null || have.isEmpty()) {
                return false;
            }
            boolean any = false;
            for (String wanted : criterion.values()) {
                for (String value : have) {
                    if (filter.type() == Topic.Filter.Type.TOKEN ? tokenMatches(wanted, value) : referenceMatches(wanted, value)) {
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** {@code system|value} matches exactly; a bare value matches that value in any system. */
    static boolean tokenMatches(String wanted, String value) {
        if (wanted.contains("|")) {
            return wanted.equals(value);
        }
        return value.equals(wanted) || value.endsWith("|" + wanted);
    }

    /** References compare by type and id, so {@code Patient/1} and {@code https://host/fhir/Patient/1} are the same. */
    static boolean referenceMatches(String wanted, String value) {
        return tail(wanted).equals(tail(value));
    }

    private static String tail(String reference) {
        String r = reference;
        int history = r.indexOf("/_history/");
        if (history >= 0) {
            r = r.substring(0, history);
        }
        String[] parts = r.split("/");
        return parts.length < 2 ? r : parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }
}
