package org.overturn.platform;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What must never reach a reader outside the clinic (a payer, a reviewer, a sponsor, the patient): the names of our
 * knowledge and seed files, our verification marks, and raw resource ids. The one list: the letter publisher, the
 * knowledge loader's citation check and the tests that scan generated documents all use it.
 */
public final class InternalMarks {
    private InternalMarks() {}

    /** A mark, with the name a failure message gives it. */
    public record Mark(String name, Pattern pattern) {}

    private static final String RESOURCE_TYPES = "Patient|Observation|Condition|MedicationStatement|MedicationRequest|DiagnosticReport"
            + "|Procedure|Claim|ClaimResponse|Coverage|Task|DocumentReference|QuestionnaireResponse|Organization|Practitioner"
            + "|AllergyIntolerance|Provenance";

    public static final List<Mark> MARKS = List.of(
            new Mark("seed file", Pattern.compile("seeds?/\\d{3}_|\\bseeds? \\d{3}\\b|\\bseeds \\d{3}-\\d{3}")),
            new Mark("knowledge file", Pattern.compile("[A-Za-z0-9_-]+\\.ya?ml\\b")),
            new Mark("internal reference document", Pattern.compile("(?i)domain reference")),
            new Mark("UNVERIFIED mark", Pattern.compile("UNVERIFIED")),
            new Mark("(unverified) mark", Pattern.compile("(?i)\\(unverified\\)")),
            new Mark("(to be confirmed) mark", Pattern.compile("(?i)\\(to be confirmed\\)")),
            new Mark("secondary mark", Pattern.compile("(?i)\\(\\s*secondary\\b|\\bsecondary\\s*[);]|\\bsecondary (source|summar)")),
            new Mark("content not retrieved", Pattern.compile("(?i)content not retrieved")),
            new Mark("raw resource id", Pattern.compile("\\b(" + RESOURCE_TYPES + ")/(?=[A-Za-z\\-.]*\\d)[A-Za-z0-9\\-.]{1,64}")),
            new Mark("bare UUID", Pattern.compile("(?i)\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b")));

    /** The first mark in {@code text} with what it matched ("UNVERIFIED mark: UNVERIFIED"), if any. */
    public static Optional<String> find(String text) {
        for (Mark m : MARKS) {
            var matcher = m.pattern().matcher(text);
            if (matcher.find()) {
                return Optional.of(m.name() + ": '" + matcher.group() + "'");
            }
        }
        return Optional.empty();
    }

    /** Every mark in {@code text}, one line each with some context, for a test failure. */
    public static List<String> findAll(String text) {
        List<String> out = new java.util.ArrayList<>();
        for (Mark m : MARKS) {
            var matcher = m.pattern().matcher(text);
            while (matcher.find()) {
                int from = Math.max(0, matcher.start() - 60);
                int to = Math.min(text.length(), matcher.end() + 30);
                out.add(m.name() + ": '" + matcher.group() + "' in ..." + text.substring(from, to).replace('\n', ' ') + "...");
            }
        }
        return out;
    }
}
