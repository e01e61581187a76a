package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overturn.eligibility.EligibilityExtensions;
import org.overturn.fixtures.Chart;
import org.overturn.fixtures.Charts;

/**
 * The synthetic charts of test-fixtures (written the way other labs and EHRs write them), each loaded over HTTP,
 * assessed by {@code CoverageEligibilityRequest/$submit} and written up by {@code Claim/$generate-letter}, against what
 * a careful reviewer concludes. Mismatches the server still has are listed in {@code charts/known-gaps.txt}: a new
 * mismatch fails, and so does a listed gap that now holds (the fix deletes its line).
 */
public interface ChartsContract extends LetterContract {

    @Test
    default void chartsWhenEachIsAssessedAndLetteredThenAsAReviewerExpectsOrAKnownGap() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int criteria = 0;
        int criteriaRight = 0;
        int facts = 0;
        int factsRight = 0;
        int chartsRight = 0;
        for (Chart chart : Charts.all()) {
            JsonNode expected = JSON.readTree(chart.expectedJson());
            Map<String, String> ids = load(chart.bundleJson());
            Response r = submit(ids);
            assertThat(r.status()).as("%s: %s", chart, r.body()).isEqualTo(200);
            JsonNode item = r.json().path("insurance").get(0).path("item").get(0);
            Map<String, String> statuses = new java.util.LinkedHashMap<>();
            for (JsonNode e : item.path("extension")) {
                if (e.path("url").asText().equals(EligibilityExtensions.CRITERION)) {
                    statuses.put(EligibilityContract.sub(e, "id"), EligibilityContract.sub(e, "status"));
                }
            }
            List<String> wrong = new ArrayList<>();
            var fields = expected.path("criteria").fields();
            while (fields.hasNext()) {
                var f = fields.next();
                criteria++;
                String actual = statuses.get(f.getKey());
                if (f.getValue().asText().equals(actual)) {
                    criteriaRight++;
                } else {
                    wrong.add(chart + " " + f.getKey() + " expected=" + f.getValue().asText() + " actual=" + actual);
                }
            }
            Response letter = generate(claim(ids, "preauthorization"), "medical-necessity");
            assertThat(letter.status()).as("%s: %s", chart, letter.body()).isEqualTo(200);
            PayerFacingScan.document(letter.json());
            String markdown = new String(Base64.getDecoder().decode(
                    letter.json().path("content").get(0).path("attachment").path("data").asText()), StandardCharsets.UTF_8);
            for (JsonNode fact : expected.path("letterMustContain")) {
                facts++;
                if (markdown.contains(fact.asText())) {
                    factsRight++;
                } else {
                    wrong.add(chart + " letter:must:" + fact.asText().replace(' ', '_') + " expected=present actual=absent");
                }
            }
            for (JsonNode fact : expected.path("letterMustNotContain")) {
                facts++;
                if (!markdown.contains(fact.asText())) {
                    factsRight++;
                } else {
                    wrong.add(chart + " letter:mustNot:" + fact.asText().replace(' ', '_') + " expected=absent actual=present");
                }
            }
            if (wrong.isEmpty()) {
                chartsRight++;
            }
            mismatches.addAll(wrong);
        }
        System.out.printf("Charts: %d of %d right; criteria %d of %d; letter facts %d of %d%n", chartsRight, Charts.all().size(),
                criteriaRight, criteria, factsRight, facts);
        Set<String> known = new LinkedHashSet<>(Charts.knownGaps());
        List<String> unexpected = mismatches.stream().filter(m -> !known.contains(m)).toList();
        List<String> fixed = known.stream().filter(k -> !mismatches.contains(k)).toList();
        assertThat(unexpected).as("mismatches not in charts/known-gaps.txt").isEmpty();
        assertThat(fixed).as("gaps in charts/known-gaps.txt that now hold: delete their lines").isEmpty();
    }
}
