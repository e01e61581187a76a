package org.overturn.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.letter.Letter;

/** The patient summary says what the records say, in short everyday sentences, each traceable to its record or rule. */
class PatientSummaryComposerTest {
    private static final List<KnowledgeModel.CostProgram> PROGRAMS = KnowledgeLoader.load().costAssistance("larotrectinib", "CA", "cigna");
    private final PatientSummaryComposer composer = new PatientSummaryComposer();

    private static PatientSummaryComposer.Input input(PatientSummaryComposer.Decision decision, List<PatientSummaryComposer.Step> steps,
            List<PatientSummaryComposer.Due> next, List<KnowledgeModel.CostProgram> programs) {
        return new PatientSummaryComposer.Input("Tobias Renwald", "Patient/1", "Vitrakvi (larotrectinib)", false, "FDA label (Vitrakvi)",
                "Secretory carcinoma of right parotid gland", "Condition/2", "Dr. Mei Castellanos", "Claim/3", LocalDate.of(2026, 9, 10),
                "Cigna Healthcare", decision, steps, next, null,
                List.of(new PatientSummaryComposer.Call("Cigna Healthcare member services", "1-800-244-6224", "24/7", "seeds/004", true)),
                programs, LocalDate.of(2026, 12, 1));
    }

    @Test
    void composeWhenDeniedAndAppealedThenTheDenialTheAppealAndTheDeadlinesEachWithItsSource() {
        Letter letter = composer.compose(input(
                new PatientSummaryComposer.Denied("ClaimResponse/4", LocalDate.of(2026, 9, 14), List.of("NTRK fusion not documented")),
                List.of(new PatientSummaryComposer.Step("Task/5", "an appeal", LocalDate.of(2026, 9, 20), true, null, null)),
                List.of(new PatientSummaryComposer.Due("Your doctor must send an appeal by",
                        ZonedDateTime.of(2027, 3, 13, 23, 59, 59, 0, ZoneId.of("America/Los_Angeles")),
                        "CA-CDI internalAppeal.filingWindow (180 days), jurisdictions.yaml v2: Ins. Code", true, false)),
                PROGRAMS));

        assertThat(letter.sections()).extracting(Letter.Section::heading).containsExactly(
                "What was asked", "What was decided", "What happens next, and by when", "Who to call", "Help with costs");
        String text = text(letter);
        assertThat(text).contains("On September 10, 2026, Dr. Mei Castellanos asked Cigna Healthcare to pay for Vitrakvi (larotrectinib).")
                .contains("It is for your secretory carcinoma of right parotid gland.")
                .contains("Cigna Healthcare said no on September 14, 2026. This is called a denial.")
                .contains("The reason they gave: \"NTRK fusion not documented\"")
                .contains("Your doctor started an appeal on September 20, 2026. There is no answer yet.")
                .contains("Your doctor must send an appeal by March 13, 2027." + PatientSummaryComposer.CHECK)
                .contains("Cigna Healthcare member services: 1-800-244-6224 (24/7)." + PatientSummaryComposer.CHECK)
                .contains("Bayer/Loxo Oncology Access Services").contains("Phone: 1-833-848-7258").contains("CancerCare");
        // Every statement but the general hint about the insurance card names where it comes from.
        for (Letter.Section s : letter.sections()) {
            for (Letter.Statement st : s.statements()) {
                if (!st.text().contains("back of your insurance card")) {
                    assertThat(st.citations()).as("source of: %s", st.text()).isNotEmpty();
                }
            }
        }
        assertThat(cite(letter, "must send an appeal")).contains("CA-CDI internalAppeal.filingWindow (180 days), jurisdictions.yaml v2: Ins. Code");
        assertThat(cite(letter, "said no")).contains("ClaimResponse/4");
        // Plain language: short sentences, a reading grade a patient can manage (the payer's own words excluded).
        assertThat(grade(text.replaceAll("\"[^\"]*\"", ""))).as("Flesch-Kincaid grade").isLessThanOrEqualTo(8.0);
        assertThat(text).doesNotContain("adjudication").doesNotContain("CARC").doesNotContain("preauthorization");
    }

    @Test
    void composeWhenApprovedWithNoDatesAheadAndNoProgramsThenItSaysSoInsteadOfGuessing() {
        Letter letter = composer.compose(input(new PatientSummaryComposer.Approved("ClaimResponse/4", LocalDate.of(2026, 9, 14), "PA-123"),
                List.of(), List.of(), List.of()));
        String text = text(letter);
        assertThat(text).contains("Cigna Healthcare said yes on September 14, 2026. They will pay for Vitrakvi (larotrectinib).")
                .contains("The approval number is PA-123.").contains("There is no date to meet right now.")
                .contains("We have no programs on file that help pay for Vitrakvi (larotrectinib).")
                .doesNotContain("said no").doesNotContain("appeal");
    }

    @Test
    void composeWhenAnAppealWasDecidedThenItsOutcomeInPlainWords() {
        Letter upheld = composer.compose(input(new PatientSummaryComposer.Denied("ClaimResponse/4", null, List.of()),
                List.of(new PatientSummaryComposer.Step("Task/5", "an appeal", LocalDate.of(2026, 9, 20), false, "upheld",
                        LocalDate.of(2026, 10, 15))), List.of(), PROGRAMS));
        assertThat(text(upheld)).contains("Your doctor asked for an appeal on September 20, 2026. On October 15, 2026, the answer was still no.");
        Letter overturned = composer.compose(input(new PatientSummaryComposer.Denied("ClaimResponse/4", null, List.of()),
                List.of(new PatientSummaryComposer.Step("Task/5", "an appeal", null, false, "overturned", LocalDate.of(2026, 10, 15))),
                List.of(), PROGRAMS));
        assertThat(text(overturned)).contains("On October 15, 2026, the decision was changed. Cigna Healthcare will pay.");
    }

    private static String text(Letter letter) {
        List<String> out = new ArrayList<>();
        letter.sections().forEach(s -> s.statements().forEach(st -> out.add(st.text())));
        return String.join(" ", out);
    }

    private static List<String> cite(Letter letter, String words) {
        return letter.sections().stream().flatMap(s -> s.statements().stream()).filter(st -> st.text().contains(words)).findFirst()
                .orElseThrow().citations();
    }

    /** Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59, syllables counted by vowel groups. */
    static double grade(String text) {
        String[] sentences = text.split("[.!?]+\\s+|[.!?]+$");
        List<String> words = new ArrayList<>();
        for (String w : text.split("[\\s(),;:]+")) {
            String clean = w.replaceAll("[^A-Za-z]", "");
            if (!clean.isEmpty()) {
                words.add(clean.toLowerCase(Locale.ROOT));
            }
        }
        int syllables = 0;
        for (String w : words) {
            int groups = w.replaceAll("e$", "").split("[aeiouy]+", -1).length - 1;
            syllables += Math.max(1, groups);
        }
        long count = java.util.Arrays.stream(sentences).filter(s -> !s.isBlank()).count();
        return 0.39 * words.size() / count + 11.8 * syllables / words.size() - 15.59;
    }
}
