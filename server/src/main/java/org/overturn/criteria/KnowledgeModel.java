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
    /** The disease settings an indication may be limited to. */
    public static final List<String> SETTINGS = List.of("metastatic", "adjuvant");

    public record Code(String system, String code, @Nullable String display, @Nullable String verification) {}

    /**
     * A fact with its provenance. {@code source} is the internal provenance (may name our notes and guides);
     * {@code citation} is how a reader outside the clinic is pointed at the published source, when {@code source}
     * is not fit to show (see {@link Knowledge#publicCitation}).
     */
    public record Sourced(String text, @Nullable String verification, @Nullable String source, @Nullable String citation) {
        public Sourced(String text, @Nullable String verification, @Nullable String source) {
            this(text, verification, source, null);
        }
    }

    /**
     * How a drug is dosed, for the letter to state only the dose that fits the patient.
     *
     * @param text the whole labeled dosing, as written
     * @param adult the adult dose ("600 mg orally twice daily with food")
     * @param pediatric how a child is dosed; null when the label sets no pediatric dose
     */
    public record Dosing(
            String text,
            @Nullable String adult,
            @Nullable PediatricDosing pediatric,
            @Nullable String verification,
            @Nullable String source,
            @Nullable String citation) {}

    /**
     * A child's dose by body surface area: {@code perM2} {@code unit}/m2 {@code frequency}, capped at
     * {@code maxDose}; from {@code bsaAtLeast} m2 up the adult dose applies (when set).
     */
    public record PediatricDosing(
            BigDecimal perM2, String unit, String frequency, @Nullable BigDecimal maxDose, @Nullable BigDecimal bsaAtLeast, String text) {}

    /**
     * @param setting the disease setting the indication is for ({@code metastatic}, {@code adjuvant}), when the label
     *     splits by setting; {@link #SETTINGS}
     * @param pediatric whether the label covers children (false: adults only)
     */
    public record Indication(
            String text,
            List<String> icd10,
            @Nullable String biomarker,
            @Nullable String pivotalTrial,
            @Nullable String approved,
            @Nullable String setting,
            @Nullable Boolean pediatric) {
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
            @Nullable Dosing dosing,
            @Nullable List<Sourced> evidence,
            @Nullable List<Sourced> guidelines,
            @Nullable List<String> accessRoutes,
            String source,
            @Nullable String citation,
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
            List<Code> indeterminateCodes,
            List<String> uncertainWords,
            List<String> negationPatterns,
            List<String> negativeWords,
            List<String> positiveWords,
            List<String> positivePatterns,
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

    /**
     * A payer's or pharmacy's phone or fax number and what it is for.
     *
     * @param use one of {@link #PAYER_CONTACT_USES} for a payer, {@link #PHARMACY_CONTACT_USES} for a pharmacy,
     *     {@code phone} for a cost-assistance program
     * @param states the states it serves (all when empty)
     */
    public record PayerContact(
            String use, String what, String value, @Nullable List<String> states, @Nullable String hours, String verification, String source) {
        public PayerContact {
            states = states == null ? List.of() : List.copyOf(states);
        }

        public boolean serves(@Nullable String state) {
            return states.isEmpty() || (state != null && states.contains(state));
        }
    }

    public static final String PA_FAX = "pa-fax";
    public static final String PA_PHONE = "pa-phone";
    public static final String EXCEPTION_FAX = "exception-fax";
    public static final String MEMBER_SERVICES = "member-services";
    public static final String MEMBER_SUPPORT = "member-support";
    public static final List<String> PAYER_CONTACT_USES = List.of(PA_FAX, PA_PHONE, EXCEPTION_FAX, MEMBER_SERVICES, MEMBER_SUPPORT);
    public static final List<String> PHARMACY_CONTACT_USES = List.of("provider-line", "patient-line");

    /** The pharmacy that dispenses a payer's approved drugs of the given benefits ("pharmacy", "medical"). */
    public record SpecialtyPharmacy(
            String name,
            List<String> benefits,
            @Nullable List<PayerContact> contacts,
            @Nullable String portal,
            @Nullable List<Sourced> notes,
            String source,
            String verification) {
        public SpecialtyPharmacy {
            benefits = benefits == null ? List.of() : List.copyOf(benefits);
            contacts = contacts == null ? List.of() : List.copyOf(contacts);
            notes = notes == null ? List.of() : List.copyOf(notes);
        }
    }

    public record Payer(
            String id,
            String name,
            List<Identifier> identifiers,
            List<String> namePatterns,
            @Nullable List<PayerContact> contacts,
            @Nullable List<String> submissionRoutes,
            @Nullable List<SpecialtyPharmacy> specialtyPharmacies,
            String source,
            String verification) {
        public Payer {
            identifiers = identifiers == null ? List.of() : List.copyOf(identifiers);
            namePatterns = namePatterns == null ? List.of() : List.copyOf(namePatterns);
            contacts = contacts == null ? List.of() : List.copyOf(contacts);
            submissionRoutes = submissionRoutes == null ? List.of() : List.copyOf(submissionRoutes);
            specialtyPharmacies = specialtyPharmacies == null ? List.of() : List.copyOf(specialtyPharmacies);
        }

        /** The first number for {@code use} that serves {@code state}; empty when the sources give none. */
        public java.util.Optional<PayerContact> contact(String use, @Nullable String state) {
            return contacts.stream().filter(c -> c.use().equals(use) && c.serves(state)).findFirst();
        }

        /** The specialty pharmacy that dispenses drugs of {@code benefit}, when the sources name one. */
        public java.util.Optional<SpecialtyPharmacy> specialtyPharmacy(String benefit) {
            return specialtyPharmacies.stream().filter(p -> p.benefits().contains(benefit)).findFirst();
        }
    }

    /** The kinds of cost-assistance programs; see knowledge/cost-assistance.yaml. */
    public static final List<String> PROGRAM_KINDS = List.of("manufacturer", "foundation", "state-program", "payer-program");

    /**
     * Help with the cost of a drug, as the sources name it for that drug.
     *
     * @param sponsor for a manufacturer program, the drug's sponsor
     * @param payer for a payer program, the payer whose members it serves
     * @param states where it applies (everywhere when empty)
     */
    public record CostProgram(
            String id,
            String name,
            String kind,
            @Nullable String sponsor,
            @Nullable String payer,
            List<String> drugs,
            @Nullable List<String> states,
            List<String> offers,
            @Nullable String eligibility,
            @Nullable String restrictions,
            @Nullable List<PayerContact> contacts,
            String source,
            String verification) {
        public CostProgram {
            drugs = drugs == null ? List.of() : List.copyOf(drugs);
            states = states == null ? List.of() : List.copyOf(states);
            offers = offers == null ? List.of() : List.copyOf(offers);
            contacts = contacts == null ? List.of() : List.copyOf(contacts);
        }

        /** Whether the program is named for this drug and serves a patient in {@code state} covered by {@code payerId}. */
        public boolean appliesTo(String drugId, @Nullable String state, @Nullable String payerId) {
            return drugs.contains(drugId)
                    && (states.isEmpty() || (state != null && states.contains(state)))
                    && (payer == null || payer.equals(payerId));
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
            String source,
            @Nullable String citation) {
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
            List<String> documentation) {
        public Policy {
            criteria = criteria == null ? List.of() : List.copyOf(criteria);
            documentation = documentation == null ? List.of() : List.copyOf(documentation);
        }
    }
}
