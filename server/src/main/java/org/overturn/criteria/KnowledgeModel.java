package org.overturn.criteria;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.lang.Nullable;

/** The shapes of the knowledge files. Field names are the YAML keys. */
public final class KnowledgeModel {
    private KnowledgeModel() {}

    public static final String VERIFIED = "verified";
    public static final String SECONDARY = "secondary";
    public static final String UNVERIFIED = "UNVERIFIED";

    public record Code(String system, String code, @Nullable String display, @Nullable String verification) {}

    public record Sourced(String text, @Nullable String verification, @Nullable String source) {}

    public record Indication(
            String text, List<String> icd10, @Nullable String biomarker, @Nullable String pivotalTrial, @Nullable String approved) {
        public Indication {
            icd10 = icd10 == null ? List.of() : List.copyOf(icd10);
        }
    }

    public record Drug(
            String id,
            List<String> names,
            @Nullable String brand,
            @Nullable String sponsor,
            @Nullable String drugClass,
            String benefit,
            String fdaStatus,
            List<Code> codes,
            @Nullable List<Indication> indications,
            @Nullable Sourced dosing,
            @Nullable List<Sourced> evidence,
            @Nullable List<Sourced> guidelines,
            @Nullable List<String> accessRoutes,
            String source,
            String verification) {
        public Drug {
            names = names == null ? List.of() : List.copyOf(names);
            codes = codes == null ? List.of() : List.copyOf(codes);
            indications = indications == null ? List.of() : List.copyOf(indications);
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
            guidelines = guidelines == null ? List.of() : List.copyOf(guidelines);
            accessRoutes = accessRoutes == null ? List.of() : List.copyOf(accessRoutes);
        }

        public boolean approved() {
            return fdaStatus.equals("approved");
        }

        public String displayName() {
            return brand == null ? names.get(0) : brand + " (" + names.get(0) + ")";
        }
    }

    public record ResultVocabulary(
            List<Code> positiveCodes,
            List<Code> negativeCodes,
            List<String> negativeWords,
            List<String> positiveWords,
            List<String> finalStatuses,
            List<String> pendingStatuses,
            String source,
            String verification) {}

    public record VariantPattern(String observationCode, String geneStudiedComponent, String source, String verification) {}

    public record Gene(String symbol, String hgnc, String verification) {}

    public record Threshold(BigDecimal minimum, String unit, String text, String verification) {}

    public record Biomarker(
            String id,
            String label,
            List<Gene> genes,
            List<Code> loinc,
            @Nullable List<String> excludedLoinc,
            @Nullable Threshold threshold,
            List<String> tests,
            String documentation,
            String source,
            String verification) {
        public Biomarker {
            genes = genes == null ? List.of() : List.copyOf(genes);
            loinc = loinc == null ? List.of() : List.copyOf(loinc);
            excludedLoinc = excludedLoinc == null ? List.of() : List.copyOf(excludedLoinc);
            tests = tests == null ? List.of() : List.copyOf(tests);
        }
    }

    public record Identifier(String system, String value) {}

    public record Contact(String what, String value, String verification, String source) {}

    public record Payer(
            String id,
            String name,
            List<Identifier> identifiers,
            List<String> namePatterns,
            @Nullable List<Contact> contacts,
            @Nullable List<String> submissionRoutes,
            String source,
            String verification) {
        public Payer {
            identifiers = identifiers == null ? List.of() : List.copyOf(identifiers);
            namePatterns = namePatterns == null ? List.of() : List.copyOf(namePatterns);
            contacts = contacts == null ? List.of() : List.copyOf(contacts);
            submissionRoutes = submissionRoutes == null ? List.of() : List.copyOf(submissionRoutes);
        }
    }

    /** The closed vocabulary of criterion kinds; see knowledge/README.md. */
    public enum Kind {
        @JsonProperty("diagnosis")
        DIAGNOSIS,
        @JsonProperty("biomarker-positive")
        BIOMARKER_POSITIVE,
        @JsonProperty("prior-therapy")
        PRIOR_THERAPY,
        @JsonProperty("age-minimum")
        AGE_MINIMUM,
        @JsonProperty("fda-approved")
        FDA_APPROVED,
        @JsonProperty("observation-present")
        OBSERVATION_PRESENT
    }

    public record Criterion(
            String id,
            Kind kind,
            String description,
            @Nullable Boolean required,
            @Nullable List<String> icd10,
            @Nullable String biomarker,
            @Nullable List<String> drugs,
            @Nullable Integer minimum,
            @Nullable Integer years,
            @Nullable List<String> loinc,
            @Nullable String documentation,
            String source) {
        public Criterion {
            icd10 = icd10 == null ? List.of() : List.copyOf(icd10);
            drugs = drugs == null ? List.of() : List.copyOf(drugs);
            loinc = loinc == null ? List.of() : List.copyOf(loinc);
        }

        public boolean isRequired() {
            return required == null || required;
        }
    }

    /** Why a payer denies when a criterion of {@code kind} is not met, with its X12 CARC code. */
    public record DenialReason(Kind kind, String carc, String display, String reason, String source, String verification) {}

    public record Policy(
            String id,
            int version,
            String payer,
            String drug,
            String effective,
            boolean paRequired,
            String source,
            String verification,
            List<Criterion> criteria,
            List<String> documentation,
            @Nullable Sourced specialtyPharmacy) {
        public Policy {
            criteria = criteria == null ? List.of() : List.copyOf(criteria);
            documentation = documentation == null ? List.of() : List.copyOf(documentation);
        }
    }
}
