package org.overturn.law;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.overturn.criteria.KnowledgeModel;
import org.jspecify.annotations.Nullable;

/**
 * What an appeal and an external review need beside the clocks: the evidence that answers each kind of denial and the
 * fixed parts of an appeal package (rebuttals.yaml), and per regime the body that reviews a final denial, its form,
 * contacts, filing route and expedited route (external-review.yaml); what the access letters (step-therapy exception,
 * expanded access, clinical-trial routine costs) rest on (access-letters.yaml). Typed and checked by
 * {@link LawLoader}.
 */
public record AppealRules(
        AppealPackage appealPackage,
        List<Rebuttal> rebuttals,
        List<KnowledgeModel.Sourced> commonEnclosures,
        List<ExternalReviewBody> bodies,
        AccessLetters access) {

    public AppealRules {
        rebuttals = List.copyOf(rebuttals);
        commonEnclosures = List.copyOf(commonEnclosures);
        bodies = List.copyOf(bodies);
    }

    /** The parts of an appeal package beside the point-by-point answer. */
    public record AppealPackage(
            KnowledgeModel.Sourced expeditedRequest,
            KnowledgeModel.Sourced peerToPeer,
            KnowledgeModel.Sourced physicianAttestation,
            KnowledgeModel.Sourced denialLetter,
            KnowledgeModel.Sourced investigationalCertification,
            KnowledgeModel.Sourced expandedAccessLetter) {}

    /** The evidence that answers one kind of denial, and the chart resources that carry it. */
    public record Rebuttal(
            String id,
            String denial,
            List<String> carc,
            List<KnowledgeModel.Kind> kinds,
            List<String> words,
            @Nullable Boolean fallback,
            List<String> evidence,
            List<String> chartResources,
            String source,
            String verification) {
        public Rebuttal {
            carc = carc == null ? List.of() : List.copyOf(carc);
            kinds = kinds == null ? List.of() : List.copyOf(kinds);
            words = words == null ? List.of() : List.copyOf(words);
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
            chartResources = chartResources == null ? List.of() : List.copyOf(chartResources);
        }

        public boolean isFallback() {
            return fallback != null && fallback;
        }

        /** Whether one of the words appears in {@code text} as a whole word or phrase, in any case. */
        boolean named(String text) {
            for (String word : words) {
                Pattern p = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(word.toLowerCase(Locale.ROOT)) + "(?![\\p{L}\\p{N}])");
                if (p.matcher(text.toLowerCase(Locale.ROOT)).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A regime an external-review body serves; federal regimes name no state and are served in every state. */
    public record RegimeRef(RegulatorKind kind, @Nullable String state) {}

    public record ExternalReviewBody(
            String id,
            List<RegimeRef> regimes,
            String ruleSet,
            String body,
            String process,
            KnowledgeModel.Sourced appliesWhen,
            KnowledgeModel.Sourced form,
            List<KnowledgeModel.Contact> contacts,
            KnowledgeModel.Sourced filingRoute,
            KnowledgeModel.Sourced fileableWhen,
            KnowledgeModel.Sourced expeditedRoute,
            KnowledgeModel.@Nullable Sourced fee,
            KnowledgeModel.@Nullable Sourced binding,
            KnowledgeModel.@Nullable Sourced experimental,
            List<KnowledgeModel.Sourced> enclosures,
            String source,
            String verification) {
        public ExternalReviewBody {
            regimes = regimes == null ? List.of() : List.copyOf(regimes);
            contacts = contacts == null ? List.of() : List.copyOf(contacts);
            enclosures = enclosures == null ? List.of() : List.copyOf(enclosures);
        }

        public boolean serves(RegulatorKind kind, @Nullable String state) {
            return regimes.stream().anyMatch(r -> r.kind() == kind
                    && (r.state() == null || r.state().equalsIgnoreCase(String.valueOf(state))));
        }
    }

    /**
     * The rebuttal for a denial: by the kind of the payer criterion it names, else by a word of the payer's reason,
     * else by its CARC code (the first entry listing it), else the fallback.
     */
    public Rebuttal rebuttal(KnowledgeModel.@Nullable Kind kind, @Nullable String reason, @Nullable String carc) {
        if (kind != null) {
            for (Rebuttal r : rebuttals) {
                if (r.kinds().contains(kind)) {
                    return r;
                }
            }
        }
        if (reason != null && !reason.isBlank()) {
            for (Rebuttal r : rebuttals) {
                if (r.named(reason)) {
                    return r;
                }
            }
        }
        if (carc != null) {
            for (Rebuttal r : rebuttals) {
                if (r.carc().contains(carc)) {
                    return r;
                }
            }
        }
        return rebuttals.stream().filter(Rebuttal::isFallback).findFirst().orElseThrow();
    }

    /** The body that reviews final denials under a regime; the loader checks every regime has exactly one. */
    public Optional<ExternalReviewBody> body(RegulatorKind kind, @Nullable String state) {
        return bodies.stream().filter(b -> b.serves(kind, state)).findFirst();
    }

    /** access-letters.yaml: step-therapy override law, expanded access, clinical-trial routine costs. */
    public record AccessLetters(StepTherapy stepTherapy, ExpandedAccess expandedAccess, ClinicalTrial clinicalTrial) {
        /** The grounds a rule set's step-therapy law gives, when the sources confirm any. */
        public Optional<Grounds> grounds(String ruleSet) {
            return stepTherapy.grounds().stream().filter(g -> g.ruleSets().contains(ruleSet)).findFirst();
        }
    }

    public record StepTherapy(List<Grounds> grounds, KnowledgeModel.Sourced selfFunded) {
        public StepTherapy {
            grounds = grounds == null ? List.of() : List.copyOf(grounds);
        }
    }

    /** The grounds for a step-therapy exception under the law of some rule sets of jurisdictions.yaml. */
    public record Grounds(List<String> ruleSets, String law, List<KnowledgeModel.Sourced> items, String source, String verification) {
        public Grounds {
            ruleSets = ruleSets == null ? List.of() : List.copyOf(ruleSets);
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    public record ExpandedAccess(List<Requirement> requirements, List<KnowledgeModel.Sourced> steps, KnowledgeModel.Sourced cost) {
        public ExpandedAccess {
            requirements = requirements == null ? List.of() : List.copyOf(requirements);
            steps = steps == null ? List.of() : List.copyOf(steps);
        }
    }

    /** What part of the record shows an expanded-access requirement is met. */
    public enum ShownBy {
        @JsonProperty("diagnosis")
        DIAGNOSIS,
        @JsonProperty("therapies")
        THERAPIES,
        @JsonProperty("physician")
        PHYSICIAN,
        @JsonProperty("sponsor")
        SPONSOR
    }

    public record Requirement(String id, String text, ShownBy shownBy, String source, String verification) {}

    public record ClinicalTrial(
            KnowledgeModel.Sourced law,
            KnowledgeModel.Sourced excluded,
            KnowledgeModel.Sourced routineCosts,
            List<KnowledgeModel.Sourced> toObtain) {
        public ClinicalTrial {
            toObtain = toObtain == null ? List.of() : List.copyOf(toObtain);
        }
    }

    /** The shape of access-letters.yaml. */
    record AccessLettersFile(int version, StepTherapy stepTherapy, ExpandedAccess expandedAccess, ClinicalTrial clinicalTrial) {}

    /** The shape of rebuttals.yaml. */
    record RebuttalFile(
            int version,
            @Nullable String description,
            @JsonProperty("package") AppealPackage appealPackage,
            List<Rebuttal> rebuttals) {}

    /** The shape of external-review.yaml. */
    record ExternalReviewFile(int version, List<KnowledgeModel.Sourced> commonEnclosures, List<ExternalReviewBody> bodies) {}
}
