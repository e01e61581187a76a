package org.overturn.criteria;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.overturn.criteria.ChartFacts.Polarity;

/**
 * Reads a result written as text the way a clinician reads it, with the phrases of biomarkers.yaml ({@code results}):
 * what is uncertain (equivocal, pending, insufficient tissue, see comment, cannot be excluded) is unknown; a negation
 * ("no ALK rearrangement detected", "negative for", "not identified", "below the cutoff") is negative wherever it
 * stands, and the words inside it do not count as positive; a positive word or a fusion written as partner-gene
 * (EML4-ALK) is positive; a text that says both, or neither, is unknown. Never positive by default.
 */
public final class ResultReading {
    private final List<Pattern> uncertain;
    private final List<Pattern> negations;
    private final List<Pattern> negatives;
    private final List<Pattern> positives;

    public ResultReading(KnowledgeModel.ResultVocabulary v) {
        this.uncertain = words(v.uncertainWords());
        this.negations = v.negationPatterns().stream().map(ResultReading::pattern).toList();
        this.negatives = words(v.negativeWords());
        this.positives = concat(words(v.positiveWords()), v.positivePatterns().stream().map(ResultReading::pattern).toList());
    }

    public Polarity read(String text) {
        String t = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
        if (t.isEmpty() || uncertain.stream().anyMatch(p -> p.matcher(t).find())) {
            return Polarity.INDETERMINATE;
        }
        boolean negative = false;
        String rest = t;
        for (Pattern p : concat(negations, negatives)) {
            Matcher m = p.matcher(rest);
            if (m.find()) {
                negative = true;
                rest = m.replaceAll(" | "); // what a negation says is spent: its "detected" is not a positive
            }
        }
        String left = rest;
        boolean positive = positives.stream().anyMatch(p -> p.matcher(left).find());
        if (negative == positive) {
            return Polarity.INDETERMINATE;
        }
        return negative ? Polarity.NEGATIVE : Polarity.POSITIVE;
    }

    /** Checks that each pattern of the vocabulary compiles; the loader calls it at start-up. */
    static void check(KnowledgeModel.ResultVocabulary v) {
        new ResultReading(v);
    }

    private static List<Pattern> words(List<String> words) {
        return words.stream()
                .map(w -> Pattern.compile("(?<![a-z0-9])" + Pattern.quote(w.toLowerCase(Locale.ROOT)) + "(?![a-z0-9])"))
                .toList();
    }

    private static Pattern pattern(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    private static List<Pattern> concat(List<Pattern> a, List<Pattern> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
