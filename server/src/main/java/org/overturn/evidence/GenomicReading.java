package org.overturn.evidence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Coding;
import org.overturn.criteria.ChartFacts.Alteration;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;

/**
 * Reads what kind of genomic change a result describes, whether it came from a screening method, and which known
 * acquired resistance mutations it names, from the data in biomarkers.yaml ({@code changeTypes},
 * {@code alterationText}, each biomarker's {@code screening} and {@code resistance}). Never an {@code if} per gene.
 */
final class GenomicReading {
    /** HGVS three-letter amino acids, so that p.Gly595Arg reads as G595R. */
    private static final Map<String, String> AMINO_ACIDS = Map.ofEntries(
            Map.entry("ala", "A"), Map.entry("arg", "R"), Map.entry("asn", "N"), Map.entry("asp", "D"),
            Map.entry("cys", "C"), Map.entry("gln", "Q"), Map.entry("glu", "E"), Map.entry("gly", "G"),
            Map.entry("his", "H"), Map.entry("ile", "I"), Map.entry("leu", "L"), Map.entry("lys", "K"),
            Map.entry("met", "M"), Map.entry("phe", "F"), Map.entry("pro", "P"), Map.entry("ser", "S"),
            Map.entry("thr", "T"), Map.entry("trp", "W"), Map.entry("tyr", "Y"), Map.entry("val", "V"));
    private static final Pattern THREE_LETTER_CHANGE = Pattern.compile(
            "(?i)\\b(?:p\\.)?\\(?(ala|arg|asn|asp|cys|gln|glu|gly|his|ile|leu|lys|met|phe|pro|ser|thr|trp|tyr|val)(\\d{1,5})"
                    + "(ala|arg|asn|asp|cys|gln|glu|gly|his|ile|leu|lys|met|phe|pro|ser|thr|trp|tyr|val)\\)?");

    private final Knowledge knowledge;
    private final List<Pattern> fusion;
    private final List<Pattern> sequenceChange;

    GenomicReading(Knowledge knowledge) {
        this.knowledge = knowledge;
        this.fusion = compile(knowledge.alterationText().fusion());
        this.sequenceChange = compile(knowledge.alterationText().sequenceChange());
    }

    /** The kind a coded DNA change type says; UNSPECIFIED when no coding is known or it says "other". */
    Alteration changeType(List<Coding> codings) {
        for (Coding c : codings) {
            if (c.hasSystem() && c.hasCode()) {
                var type = knowledge.changeType(c.getSystem(), c.getCode());
                if (type.isPresent()) {
                    return of(type.get().kind());
                }
            }
        }
        return Alteration.UNSPECIFIED;
    }

    /** The kind a text describes: a fusion notation or word wins over a protein or DNA change. */
    Alteration alteration(List<String> texts) {
        String all = String.join(" | ", texts).toLowerCase(Locale.ROOT);
        if (fusion.stream().anyMatch(p -> p.matcher(all).find())) {
            return Alteration.FUSION;
        }
        if (sequenceChange.stream().anyMatch(p -> p.matcher(all).find())) {
            return Alteration.SEQUENCE_CHANGE;
        }
        return Alteration.UNSPECIFIED;
    }

    /** What a test code of the biomarker measures, if the knowledge says. */
    static Alteration of(String kind) {
        return switch (kind) {
            case KnowledgeModel.FUSION -> Alteration.FUSION;
            case KnowledgeModel.SEQUENCE_CHANGE -> Alteration.SEQUENCE_CHANGE;
            default -> Alteration.UNSPECIFIED;
        };
    }

    /** Whether one of the texts says the result came from one of the biomarker's screening methods. */
    static boolean screen(KnowledgeModel.Biomarker b, List<String> texts) {
        if (b.screening() == null) {
            return false;
        }
        String all = String.join(" | ", texts);
        return b.screening().words().stream().anyMatch(w -> word(w).matcher(all).find());
    }

    /** Whether one of the texts names the biomarker (a gene symbol or another of its names) as a whole word. */
    static boolean mentions(KnowledgeModel.Biomarker b, String text) {
        return b.allNames().stream().anyMatch(n -> word(n).matcher(text).find());
    }

    /** Whether a text names a fusion involving one of the biomarker's genes (ETV6-NTRK3, "ALK fusion"). */
    boolean namesFusion(KnowledgeModel.Biomarker b, String text) {
        return mentions(b, text) && alteration(List.of(text)) == Alteration.FUSION;
    }

    /**
     * The biomarker's known acquired resistance mutations the texts name for one of {@code genes} (or, when the
     * texts name the gene, for it): "NTRK1 G595R" from "NTRK1 p.G595R", "p.Gly595Arg" or "G595R".
     */
    static List<String> resistance(KnowledgeModel.Biomarker b, Set<String> genes, List<String> texts) {
        if (b.resistance() == null) {
            return List.of();
        }
        String all = oneLetter(String.join(" | ", texts));
        Set<String> found = new LinkedHashSet<>();
        for (KnowledgeModel.Mutation m : b.resistance().mutations()) {
            boolean gene = genes.contains(m.gene()) || word(m.gene()).matcher(all).find();
            if (gene && Pattern.compile("(?<![A-Za-z0-9])(?:p\\.)?\\(?" + Pattern.quote(m.change()) + "(?![A-Za-z0-9])")
                    .matcher(all).find()) {
                found.add(m.name());
            }
        }
        return new ArrayList<>(found);
    }

    /** p.Gly595Arg, Gly595Arg -> G595R. */
    static String oneLetter(String text) {
        Matcher m = THREE_LETTER_CHANGE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(AMINO_ACIDS.get(m.group(1).toLowerCase(Locale.ROOT)) + m.group(2)
                    + AMINO_ACIDS.get(m.group(3).toLowerCase(Locale.ROOT))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Pattern word(String w) {
        return Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(w) + "(?![A-Za-z0-9])", Pattern.CASE_INSENSITIVE);
    }

    private static List<Pattern> compile(List<String> regexes) {
        return regexes.stream().map(r -> Pattern.compile(r, Pattern.CASE_INSENSITIVE)).toList();
    }
}
