package org.overturn.criteria;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shapes of the knowledge files. Field names are the YAML keys. A list a file leaves out reads as empty: the compact
 * constructors replace null, so those components are not {@code @Nullable}.
 */
public final class KnowledgeModel {
    private KnowledgeModel() {}

    public static final String VERIFIED = "verified";
    public static final String SECONDARY = "secondary";
    public static final String UNVERIFIED = "UNVERIFIED";
    /** The disease settings an indication may be limited to. */
    public static final List<String> SETTINGS = List.of("metastatic", "adjuvant", "unresectable");

    public record Code(String system, String code, @Nullable String display, @Nullable String verification) {}

    /**
     * A fact with its provenance. {@code source} is the internal provenance (may name our notes and guides);
     * {@code citation} is how a reader outside the clinic is pointed at the published source, when {@code source}
     * is not fit to show (see {@link Knowledge#publicCitation}).
     */
    public record Sourced(String text, @Nullable String verification, @Nullable String source, @Nullable String citation,
            @Nullable List<String> icd10, @Nullable String setting) {
        public Sourced(String text, @Nullable String verification, @Nullable String source) {
            this(text, verification, source, null, null, null);
        }

        public Sourced(String text, @Nullable String verification, @Nullable String source, @Nullable String citation) {
            this(text, verification, source, citation, null, null);
        }

        /**
         * Whether this evidence speaks for a patient with these diagnosis codes in this setting: a trial is cited only
         * for the tumour ({@code icd10} categories) and the setting it studied, when the knowledge says which.
         */
        public boolean fits(List<String> patientIcd10, @Nullable String patientSetting) {
            boolean tumour = icd10 == null || icd10.isEmpty()
                    || patientIcd10.stream().anyMatch(code -> icd10.stream().anyMatch(code::startsWith));
            boolean inSetting = setting == null || patientSetting == null || setting.equals(patientSetting);
            return tumour && inSetting;
        }
    }

    /**
     * A published page a prescriber can open (the label, a trial record, a trial search), shown as a link on the
     * CDS cards of the drug's orders. Only links whose {@code verification} is not UNVERIFIED are shown.
     */
    public record PublishedLink(String label, String url, String source, String verification) {
        public boolean shown() {
            return !UNVERIFIED.equals(verification);
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
            List<Indication> indications,
            @Nullable Dosing dosing,
            List<Sourced> evidence,
            List<Sourced> guidelines,
            List<String> accessRoutes,
            List<PublishedLink> references,
            String source,
            @Nullable String citation,
            String verification) {
        public Drug {
            references = references == null ? List.of() : List.copyOf(references);
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

    /**
     * The genomic variant pattern (genomics-reporting / mCODE): the Observation code, the gene-studied and DNA
     * change-type components, and the components that carry the variant itself.
     */
    public record VariantPattern(
            String observationCode,
            String geneStudiedComponent,
            @Nullable String changeTypeComponent,
            List<Code> variantComponents,
            String source,
            String verification) {
        public VariantPattern {
            variantComponents = variantComponents == null ? List.of() : List.copyOf(variantComponents);
        }
    }

    /** The kinds of genomic change a result can describe; see biomarkers.yaml {@code changeTypes}. */
    public static final String FUSION = "fusion";
    public static final String SEQUENCE_CHANGE = "sequence-change";
    public static final String EXPRESSION = "expression";
    public static final List<String> CHANGE_KINDS = List.of(FUSION, SEQUENCE_CHANGE, "other");
    public static final List<String> ALTERATIONS = List.of(FUSION, SEQUENCE_CHANGE, EXPRESSION);

    /** A DNA change type answer (Sequence Ontology or LOINC) and the kind of change it says. */
    public record ChangeType(String system, String code, @Nullable String display, String kind, String verification, String source) {}

    /** Regular expressions that say, in words, that a result is a fusion or a sequence change. */
    public record AlterationText(List<String> fusion, List<String> sequenceChange, String source, String verification) {
        public AlterationText {
            fusion = fusion == null ? List.of() : List.copyOf(fusion);
            sequenceChange = sequenceChange == null ? List.of() : List.copyOf(sequenceChange);
        }
    }

    public record Gene(String symbol, String hgnc, String verification) {}

    public record Threshold(BigDecimal minimum, String unit, String text, String verification, @Nullable String source) {}

    /**
     * A LOINC test code of a biomarker and what it measures ({@link #ALTERATIONS}); {@code note} is a caveat an
     * evaluation resting on it carries.
     */
    public record TestCode(
            String code, @Nullable String display, @Nullable String measures, String verification, @Nullable String source,
            @Nullable String note) {}

    /** Methods whose positive result is only a screen for the biomarker. */
    public record Screening(List<String> words, String text, String source, String verification) {
        public Screening {
            words = words == null ? List.of() : List.copyOf(words);
        }
    }

    /** An acquired resistance mutation, e.g. NTRK1 G595R (one-letter protein change). */
    public record Mutation(String gene, String change, @Nullable String region, String verification, String source) {
        public String name() {
            return gene + " " + change;
        }
    }

    /** Mutations that put a patient outside the drug's label, and the label's words. */
    public record Resistance(String text, String source, String verification, List<Mutation> mutations) {
        public Resistance {
            mutations = mutations == null ? List.of() : List.copyOf(mutations);
        }

        public java.util.Optional<Mutation> mutation(String name) {
            return mutations.stream().filter(m -> m.name().equals(name)).findFirst();
        }
    }

    /**
     * How a chart shows a disease setting (disease-settings.yaml). The setting holds when any one form shows it: a
     * condition in {@code conditionIcd10}; an observation of {@code observations} whose value matches; a condition whose
     * stage summary matches {@code stagePattern}; a condition or observation whose words match {@code textPattern}; or
     * a completed {@code resection} with one of its qualifiers.
     */
    public record DiseaseSetting(
            String id,
            String label,
            List<String> conditionIcd10,
            List<ValueRule> observations,
            @Nullable String stagePattern,
            @Nullable String textPattern,
            @Nullable Resection resection,
            String source,
            String verification) {
        public DiseaseSetting {
            conditionIcd10 = conditionIcd10 == null ? List.of() : List.copyOf(conditionIcd10);
            observations = observations == null ? List.of() : List.copyOf(observations);
        }
    }

    /**
     * Observations of these LOINC codes whose value matches {@code valuePattern} (a regular expression, case-insensitive,
     * from the start of the value), or whose size is at least {@code atLeastCm} centimetres.
     */
    public record ValueRule(List<String> loinc, String display, @Nullable String valuePattern, @Nullable BigDecimal atLeastCm,
            @Nullable String verification) {}

    /** A completed surgical resection (SNOMED CT procedure codes, or words) and what must be true of the tumour resected. */
    public record Resection(List<String> snomed, String textPattern, List<ValueRule> qualifiers) {}

    /** A SNOMED CT cancer concept and the ICD-10-CM categories the policies use for it; see diagnoses.yaml. */
    public record DiagnosisMapping(
            String snomed,
            String display,
            List<String> icd10,
            String conceptSource,
            String conceptVerification,
            String source,
            String verification) {
        public DiagnosisMapping {
            icd10 = icd10 == null ? List.of() : List.copyOf(icd10);
        }
    }

    /**
     * @param alteration the kind of change the biomarker is ({@link #ALTERATIONS}); a result of another kind is not it
     * @param names words that name it in a report's text besides its gene symbols (NTRK, pan-TRK)
     */
    public record Biomarker(
            String id,
            String label,
            @Nullable String alteration,
            List<Gene> genes,
            List<String> names,
            List<TestCode> loinc,
            List<String> excludedLoinc,
            @Nullable Threshold threshold,
            @Nullable Screening screening,
            @Nullable Resistance resistance,
            List<String> tests,
            String documentation,
            String source,
            String verification) {
        public Biomarker {
            genes = genes == null ? List.of() : List.copyOf(genes);
            names = names == null ? List.of() : List.copyOf(names);
            loinc = loinc == null ? List.of() : List.copyOf(loinc);
            excludedLoinc = excludedLoinc == null ? List.of() : List.copyOf(excludedLoinc);
            tests = tests == null ? List.of() : List.copyOf(tests);
        }

        /** Its gene symbols, then its other names. */
        public List<String> allNames() {
            List<String> all = new java.util.ArrayList<>(genes.stream().map(Gene::symbol).toList());
            all.addAll(names);
            return all;
        }

        public java.util.Optional<TestCode> testCode(String loincCode) {
            return loinc.stream().filter(c -> c.code().equals(loincCode)).findFirst();
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
            String use, String what, String value, List<String> states, @Nullable String hours, String verification, String source) {
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
            List<PayerContact> contacts,
            @Nullable String portal,
            List<Sourced> notes,
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
            List<PayerContact> contacts,
            List<String> submissionRoutes,
            List<SpecialtyPharmacy> specialtyPharmacies,
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
            List<String> states,
            List<String> offers,
            @Nullable String eligibility,
            @Nullable String restrictions,
            List<PayerContact> contacts,
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
        OBSERVATION_PRESENT,
        /** The disease setting the label covers (metastatic, adjuvant after resection, unresectable); see disease-settings.yaml. */
        @JsonProperty("disease-setting")
        DISEASE_SETTING,
        /** The disease is active: a diagnosis code of {@code icd10}, not only one of {@code inactiveIcd10} (in remission). */
        @JsonProperty("disease-status")
        DISEASE_STATUS
    }

    public record Criterion(
            String id,
            Kind kind,
            String description,
            @Nullable Boolean required,
            List<String> icd10,
            @Nullable String biomarker,
            List<String> drugs,
            @Nullable Integer minimum,
            @Nullable Integer years,
            List<String> loinc,
            @Nullable String documentation,
            @Nullable Boolean acceptsScreening,
            String source,
            @Nullable String citation,
            List<String> settings,
            List<String> inactiveIcd10,
            @Nullable Boolean label,
            @Nullable String stopReasonPattern,
            List<String> excludeDrugs) {
        public Criterion {
            excludeDrugs = excludeDrugs == null ? List.of() : List.copyOf(excludeDrugs);
            settings = settings == null ? List.of() : List.copyOf(settings);
            inactiveIcd10 = inactiveIcd10 == null ? List.of() : List.copyOf(inactiveIcd10);
            icd10 = icd10 == null ? List.of() : List.copyOf(icd10);
            drugs = drugs == null ? List.of() : List.copyOf(drugs);
            loinc = loinc == null ? List.of() : List.copyOf(loinc);
        }

        public boolean isRequired() {
            return required == null || required;
        }

        /** Whether the criterion is a limit of the drug's FDA label (not only the payer's): failing it makes a request off-label. */
        public boolean isLabel() {
            return label != null && label;
        }

        /** Whether a positive screening result (pan-TRK IHC) satisfies this biomarker criterion; only if it says so. */
        public boolean screeningAccepted() {
            return acceptsScreening != null && acceptsScreening;
        }
    }

    /** Why a payer denies when a criterion of {@code kind} is not met, with its X12 CARC code. */
    public record DenialReason(Kind kind, String carc, String display, String reason, String source, String verification) {}

    /**
     * How long the payer's approval under a policy lasts, where a source says so; the built-in sandbox payer grants
     * that period (PAS {@code preAuthPeriod}).
     */
    public record Approval(int months, String source, String verification) {}

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
            @Nullable Approval approval) {
        public Policy {
            criteria = criteria == null ? List.of() : List.copyOf(criteria);
            documentation = documentation == null ? List.of() : List.copyOf(documentation);
        }
    }
}
