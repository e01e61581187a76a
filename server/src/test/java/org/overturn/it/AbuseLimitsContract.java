package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Requests that would hold a connection or a thread for long, or crash the parser, are refused with a 4xx that says
 * which limit was hit, before any work is done. Each limit is a setting; these tests run with the defaults.
 */
public interface AbuseLimitsContract extends FhirHttp {

    /** {@code {"resourceType":...,"x":[[[...]]]}} with the array nested {@code depth} levels deep. */
    static String deeplyNested(String resourceType, int depth) {
        return "{\"resourceType\":\"" + resourceType + "\",\"extension\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    @Test
    default void deeplyNestedJsonWhenPostedAnywhereThen400NotA500() {
        for (int depth : new int[] {200, 5000}) {
            for (String path : new String[] {"", "Claim/$submit", "CoverageEligibilityRequest/$submit", "Patient"}) {
                String type = path.equals("Patient") ? "Patient"
                        : path.startsWith("Coverage") ? "CoverageEligibilityRequest" : "Bundle";
                Response r = post(path, deeplyNested(type, depth));
                assertThat(r.assertOutcome(400)).as("POST /%s, depth %d", path, depth).startsWith("OVT-400");
            }
        }
    }

    @Test
    default void offsetWhenAboveTheLimitThen400NamingIt() {
        Response r = get("Patient?_offset=10000001");
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).contains("_offset").contains("10000");
        assertThat(get("Patient/_history?_offset=10000001").assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
    }

    @Test
    default void sortWhenTooManyKeysThen400NamingTheLimit() {
        Response r = get("Patient?_sort=family,given,birthdate,gender,_id,_lastUpdated");
        assertThat(r.assertOutcome(400)).isEqualTo("OVT-400-SEARCH");
        assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).contains("_sort");
        assertThat(get("Patient?_sort=family,given,birthdate").status()).isEqualTo(200);
    }

    @Test
    default void containsOrTextWhenShorterThanThreeCharactersThen400SayingSo() {
        // A substring of one or two characters cannot use the trigram index: every row of the table would be read.
        for (String query : new String[] {"Patient?family:contains=ab", "Patient?name:contains=%20x%20",
                "Observation?code:text=ab", "Observation?subject:Patient.family:contains=ab"}) {
            Response r = get(query);
            assertThat(r.assertOutcome(400)).as(query).isEqualTo("OVT-400-SEARCH");
            assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).as(query).contains("3 characters");
        }
        String family = "Trgm" + unique().replace("-", "");
        String id = create("Patient", CrudContract.patient(family, unique()));
        Response found = get("Patient?family:contains=" + family.substring(2, 9).toUpperCase());
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().path("entry").findValuesAsText("id")).contains(id);
    }

    @Test
    default void historyWhenCountIsHugeThenCappedAtTheMaximumPage() {
        String mrn = "hist-" + unique();
        assertThat(post("", patients(mrn, 1000)).status()).isEqualTo(200);
        create("Patient", CrudContract.patient("Hist", mrn + "-last"));
        Response r = get("Patient/_history?_count=100000000");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("entry").size()).as("one page of at most overturn.store.max-page-size").isEqualTo(1000);
    }

    /** A transaction creating {@code n} Patients. */
    private static String patients(String mrn, int n) {
        StringBuilder tx = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < n; i++) {
            tx.append(i == 0 ? "" : ",").append("{\"resource\":").append(CrudContract.patient("Big", mrn + "-" + i))
                    .append(",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
        }
        return tx.append("]}").toString();
    }

    @Test
    default void transactionWhenTooManyEntriesThen413AndNothingStored() {
        String mrn = "big-" + unique();
        Response r = post("", patients(mrn, 1001));
        assertThat(r.assertOutcome(413)).isEqualTo("OVT-413-BUNDLE");
        assertThat(r.json().path("issue").get(0).path("diagnostics").asText()).contains("1000");
        assertThat(get("Patient?family=Big&identifier=http://overturn.example.org/mrn|" + mrn + "-0").json()
                .path("total").asInt()).isZero();
    }
}
