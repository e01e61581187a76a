package org.overturn.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterMatchTest {
    private static final Topic TOPIC = new Topic("http://x/SubscriptionTopic/t", "t", "Communication", "d", "s", "f", List.of(
            new Topic.Filter("org-identifier", Topic.Filter.Type.TOKEN, false, "d"),
            new Topic.Filter("patient", Topic.Filter.Type.REFERENCE, false, "d")));

    private static boolean matches(List<BackportSubscription.Criterion> filters, Map<String, Set<String>> event) {
        return FilterMatch.matches(TOPIC, filters, event);
    }

    private static BackportSubscription.Criterion c(String name, String... values) {
        return new BackportSubscription.Criterion(name, List.of(values));
    }

    @Test
    void matchesWhenNoFiltersThenEveryEvent() {
        assertThat(matches(List.of(), Map.of())).isTrue();
    }

    @Test
    void matchesWhenTokenBareValueThenAnySystemAndWithSystemOnlyThatSystem() {
        Map<String, Set<String>> event = Map.of("org-identifier", Set.of("http://hl7.org/fhir/sid/us-npi|1234567893"));
        assertThat(matches(List.of(c("org-identifier", "1234567893")), event)).isTrue();
        assertThat(matches(List.of(c("org-identifier", "http://hl7.org/fhir/sid/us-npi|1234567893")), event)).isTrue();
        assertThat(matches(List.of(c("org-identifier", "http://other|1234567893")), event)).isFalse();
        assertThat(matches(List.of(c("org-identifier", "234567893")), event)).isFalse();
    }

    @Test
    void matchesWhenSeveralValuesThenAnyAndSeveralFiltersThenAll() {
        Map<String, Set<String>> event = Map.of("org-identifier", Set.of("N1"), "patient", Set.of("Patient/p1"));
        assertThat(matches(List.of(c("org-identifier", "N0", "N1")), event)).isTrue();
        assertThat(matches(List.of(c("org-identifier", "N1"), c("patient", "Patient/p2")), event)).isFalse();
        assertThat(matches(List.of(c("org-identifier", "N1"), c("patient", "https://host/fhir/Patient/p1")), event)).isTrue();
    }

    @Test
    void matchesWhenEventHasNoValueForAFilterThenNot() {
        assertThat(matches(List.of(c("patient", "Patient/p1")), Map.of("org-identifier", Set.of("N1")))).isFalse();
    }
}
