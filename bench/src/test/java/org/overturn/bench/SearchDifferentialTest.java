package org.overturn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchDifferentialTest {
    private static SearchDifferential.Answer answer(Integer total, String... ids) {
        return new SearchDifferential.Answer(200, List.of(ids), Set.of(), total, null, false);
    }

    @Test
    void encodeWhenValuesHoldBarsSpacesAndTheBasePlaceholderThenEachValueIsPercentEncoded() {
        URI base = URI.create("http://127.0.0.1:18281/fhir");
        assertThat(SearchDifferential.encode("Observation?code=http://loinc.org|2345-7&subject={base}/Patient/p1", base))
                .isEqualTo("Observation?code=http%3A%2F%2Floinc.org%7C2345-7"
                        + "&subject=http%3A%2F%2F127.0.0.1%3A18281%2Ffhir%2FPatient%2Fp1");
        assertThat(SearchDifferential.encode("Patient?family=de la&name:exact=Zoë", base))
                .isEqualTo("Patient?family=de%20la&name:exact=Zo%C3%AB");
    }

    @Test
    void sameWhenNotSortedThenOrderIsIgnoredAndWhenSortedThenItCounts() {
        assertThat(SearchDifferential.same("Patient?gender=female", answer(null, "Patient/a", "Patient/b"),
                answer(null, "Patient/b", "Patient/a"))).isTrue();
        assertThat(SearchDifferential.same("Patient?_sort=birthdate", answer(null, "Patient/a", "Patient/b"),
                answer(null, "Patient/b", "Patient/a"))).isFalse();
    }

    @Test
    void sameWhenTotalAskedThenComparedOtherwiseNot() {
        assertThat(SearchDifferential.same("Patient?_count=1", answer(3, "Patient/a"), answer(null, "Patient/a"))).isTrue();
        assertThat(SearchDifferential.same("Patient?_total=accurate", answer(3, "Patient/a"), answer(2, "Patient/a")))
                .isFalse();
    }

    @Test
    void unionWhenTheReferencesOverlapThenEachMatchOnceAndTheTotalIsTheirCount() {
        SearchDifferential.Answer union = SearchDifferential.union(
                answer(2, "Observation/a", "Observation/b"), answer(2, "Observation/b", "Observation/c"));
        assertThat(union.matches()).containsExactly("Observation/a", "Observation/b", "Observation/c");
        assertThat(union.total()).isEqualTo(3);
        assertThat(SearchDifferential.union(answer(null, "Observation/a"), answer(1, "Observation/a")).total()).isNull();
        SearchDifferential.Answer refused = new SearchDifferential.Answer(400, List.of(), Set.of(), null, "no", false);
        assertThat(SearchDifferential.union(answer(1, "Observation/a"), refused).status()).isEqualTo(400);
    }

    @Test
    void knownDifferencesWhenListedThenEachIsOneOfTheQueries() {
        assertThat(SearchDifferential.queries()).containsAll(SearchDifferential.knownDifferences().keySet());
        assertThat(new HashSet<>(SearchDifferential.queries())).hasSameSizeAs(SearchDifferential.queries());
    }

    @Test
    void resourcesWhenMadeFromTheFixturesThenIdsAreUniqueAndNoUrnReferenceIsLeft() {
        Set<String> ids = new HashSet<>();
        for (ObjectNode r : DifferentialData.resources()) {
            String id = r.path("resourceType").asText() + "/" + r.path("id").asText();
            assertThat(ids.add(id)).as(id).isTrue();
            assertThat(r.path("id").asText().length()).as(id).isLessThanOrEqualTo(64);
            assertThat(r.toString()).as(id).doesNotContain("urn:uuid:");
        }
        assertThat(ids).contains("Patient/edge-p1", "Claim/nsclc-alk-positive-alectinib-cigna-ca-pas-claim1");
    }
}
