package org.overturn.evidence;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.ChartFacts.BiomarkerFact;
import org.overturn.criteria.ChartFacts.Polarity;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.criteria.ResultReading;
import org.springframework.lang.Nullable;

/**
 * Reads the facts criteria need out of a chart's FHIR resources, using the knowledge files for what a biomarker
 * looks like and which drug a medication is. Every fact keeps the reference of the resource it came from.
 */
public final class FactExtractor {
    private final Knowledge knowledge;
    private final DrugCatalog drugs;
    private final ResultReading reading;

    public FactExtractor(Knowledge knowledge, DrugCatalog drugs) {
        this.reading = new ResultReading(knowledge.results());
        this.knowledge = knowledge;
        this.drugs = drugs;
    }

    /** @param excludeOrder the order being evaluated, which is not a prior therapy (may be null) */
    public ChartFacts facts(Chart chart, @Nullable String excludeOrder) {
        LocalDate birthDate = chart.patient().hasBirthDateElement()
                ? LocalDate.parse(padDate(chart.patient().getBirthDateElement().getValueAsString()))
                : null;
        List<ChartFacts.ConditionFact> conditions = new ArrayList<>();
        for (Condition c : chart.conditions()) {
            if (isCurrent(c)) {
                conditions.add(new ChartFacts.ConditionFact(ref(c), codes(c.getCode(), "icd10cm"), text(c.getCode())));
            }
        }
        List<BiomarkerFact> biomarkers = new ArrayList<>();
        List<ChartFacts.ObservationFact> observations = new ArrayList<>();
        for (Observation o : chart.observations()) {
            if (o.getStatus() == Observation.ObservationStatus.CANCELLED
                    || o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR) {
                continue;
            }
            boolean isFinal = knowledge.results().finalStatuses().contains(o.getStatus().toCode());
            for (KnowledgeModel.Biomarker b : knowledge.biomarkers()) {
                if (isAbout(o, b)) {
                    biomarkers.add(new BiomarkerFact(ref(o), b.id(), polarity(o, b), isFinal, resultText(o), method(o), date(o), lab(o)));
                }
            }
            for (String loinc : codes(o.getCode(), "loinc")) {
                observations.add(new ChartFacts.ObservationFact(ref(o), loinc, text(o.getCode()), resultText(o), isFinal,
                        date(o)));
            }
        }
        List<ChartFacts.TherapyFact> therapies = new ArrayList<>();
        for (MedicationStatement s : chart.medicationStatements()) {
            if (s.getStatus() == MedicationStatement.MedicationStatementStatus.ENTEREDINERROR) {
                continue;
            }
            CodeableConcept med = s.hasMedicationCodeableConcept() ? s.getMedicationCodeableConcept() : new CodeableConcept();
            String start = s.hasEffectivePeriod() ? s.getEffectivePeriod().getStartElement().getValueAsString()
                    : s.hasEffectiveDateTimeType() ? s.getEffectiveDateTimeType().getValueAsString() : null;
            String end = s.hasEffectivePeriod() ? s.getEffectivePeriod().getEndElement().getValueAsString() : null;
            therapies.add(new ChartFacts.TherapyFact(ref(s), drugs.recognizeAll(coded(med), med.getText()), text(med),
                    s.getStatus() == null ? "unknown" : s.getStatus().toCode(), start, end, reasons(s.getStatusReason())));
        }
        for (MedicationRequest r : chart.medicationRequests()) {
            if (ref(r).equals(excludeOrder) || r.getStatus() == MedicationRequest.MedicationRequestStatus.ENTEREDINERROR) {
                continue;
            }
            CodeableConcept med = r.hasMedicationCodeableConcept() ? r.getMedicationCodeableConcept() : new CodeableConcept();
            String start = r.hasAuthoredOn() ? r.getAuthoredOnElement().getValueAsString() : null;
            List<CodeableConcept> reason = r.hasStatusReason() ? List.of(r.getStatusReason()) : List.of();
            therapies.add(new ChartFacts.TherapyFact(ref(r), drugs.recognizeAll(coded(med), med.getText()), text(med),
                    r.getStatus() == null ? "unknown" : r.getStatus().toCode(), start, null, reasons(reason)));
        }
        return new ChartFacts(birthDate, conditions, biomarkers, therapies, observations);
    }

    private static String padDate(String value) {
        return value.length() == 4 ? value + "-01-01" : value.length() == 7 ? value + "-01" : value.substring(0, 10);
    }

    private static boolean isCurrent(Condition c) {
        String clinical = c.hasClinicalStatus() ? c.getClinicalStatus().getCodingFirstRep().getCode() : null;
        String verification = c.hasVerificationStatus() ? c.getVerificationStatus().getCodingFirstRep().getCode() : null;
        boolean active = clinical == null || Set.of("active", "recurrence", "relapse").contains(clinical);
        boolean believed = verification == null || !Set.of("refuted", "entered-in-error").contains(verification);
        return active && believed;
    }

    private boolean isAbout(Observation o, KnowledgeModel.Biomarker b) {
        List<String> loinc = codes(o.getCode(), "loinc");
        if (loinc.stream().anyMatch(b.excludedLoinc()::contains)) {
            return false;
        }
        if (b.loinc().stream().anyMatch(c -> loinc.contains(c.code()))) {
            return true;
        }
        if (loinc.contains(knowledge.variantPattern().observationCode())) {
            Set<String> studied = genesStudied(o);
            return b.genes().stream().anyMatch(g -> studied.contains(hgncId(g.hgnc()))
                    || studied.contains(g.symbol().toUpperCase(java.util.Locale.ROOT)));
        }
        return false;
    }

    /**
     * The genes a variant Observation studied, each as its HGNC id ("HGNC:8031", whether written with the prefix or
     * without) and as the symbols its codings and text name ("NTRK1").
     */
    private Set<String> genesStudied(Observation o) {
        Set<String> genes = new java.util.HashSet<>();
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            if (codes(c.getCode(), "loinc").contains(knowledge.variantPattern().geneStudiedComponent()) && c.hasValueCodeableConcept()) {
                CodeableConcept value = c.getValueCodeableConcept();
                for (Coding cd : value.getCoding()) {
                    if (knowledge.isSystem("hgnc", cd.getSystem()) && cd.hasCode()) {
                        genes.add(hgncId(cd.getCode()));
                        genes.add(cd.getCode().toUpperCase(java.util.Locale.ROOT)); // some labs send the symbol as code
                    }
                    if (cd.hasDisplay()) {
                        genes.add(cd.getDisplay().trim().toUpperCase(java.util.Locale.ROOT));
                    }
                }
                if (value.hasText()) {
                    for (String token : value.getText().toUpperCase(java.util.Locale.ROOT).split("[^A-Z0-9]+")) {
                        genes.add(token);
                    }
                }
            }
        }
        return genes;
    }

    /** "HGNC:8031", "hgnc:8031" and "8031" are one gene. */
    private static String hgncId(String code) {
        String c = code.trim();
        return "HGNC:" + (c.regionMatches(true, 0, "HGNC:", 0, 5) ? c.substring(5) : c);
    }

    private Polarity polarity(Observation o, KnowledgeModel.Biomarker b) {
        if (b.threshold() != null && o.hasValueQuantity()) {
            Quantity q = o.getValueQuantity();
            if (q.hasValue() && b.threshold().unit().equals(q.hasCode() ? q.getCode() : q.getUnit())) {
                return q.getValue().compareTo(b.threshold().minimum()) >= 0 ? Polarity.POSITIVE : Polarity.NEGATIVE;
            }
        }
        KnowledgeModel.ResultVocabulary v = knowledge.results();
        List<Coding> codings = new ArrayList<>();
        if (o.hasValueCodeableConcept()) {
            codings.addAll(o.getValueCodeableConcept().getCoding());
        }
        o.getInterpretation().forEach(i -> codings.addAll(i.getCoding()));
        // Codes say it first; codes that disagree (a Positive answer with a NEG interpretation) say nothing certain.
        boolean negative = codings.stream().anyMatch(c -> matches(v.negativeCodes(), c));
        boolean positive = codings.stream().anyMatch(c -> matches(v.positiveCodes(), c));
        boolean indeterminate = codings.stream().anyMatch(c -> matches(v.indeterminateCodes(), c));
        if (indeterminate || (negative && positive)) {
            return Polarity.INDETERMINATE;
        }
        if (negative || positive) {
            return negative ? Polarity.NEGATIVE : Polarity.POSITIVE;
        }
        return reading.read(resultText(o));
    }

    private boolean matches(List<KnowledgeModel.Code> known, Coding c) {
        return known.stream().anyMatch(k -> knowledge.isSystem(k.system(), c.getSystem()) && k.code().equals(c.getCode()));
    }

    private static String resultText(Observation o) {
        if (o.hasValueQuantity()) {
            Quantity q = o.getValueQuantity();
            BigDecimal value = q.getValue();
            return (value == null ? "" : value.stripTrailingZeros().toPlainString()) + (q.hasUnit() ? " " + q.getUnit() : "");
        }
        if (o.hasValueCodeableConcept()) {
            return text(o.getValueCodeableConcept());
        }
        if (o.hasValueStringType()) {
            return o.getValueStringType().getValue();
        }
        if (o.hasValueIntegerType()) {
            return o.getValueIntegerType().getValueAsString();
        }
        if (o.hasValueBooleanType()) {
            return o.getValueBooleanType().getValueAsString();
        }
        return o.getInterpretation().stream().map(FactExtractor::text).filter(s -> !s.isBlank()).findFirst().orElse("");
    }

    private static @Nullable String method(Observation o) {
        return o.hasMethod() ? text(o.getMethod()) : null;
    }

    /** The performing lab as the Observation names it (display of its performer), if it does. */
    private static @Nullable String lab(Observation o) {
        return o.getPerformer().stream().filter(p -> p.hasDisplay()).map(p -> p.getDisplay()).findFirst().orElse(null);
    }

    /** When the Observation was made, as written: effective date-time or period start, else when it was issued. */
    private static @Nullable String date(Observation o) {
        if (o.hasEffectiveDateTimeType()) {
            return o.getEffectiveDateTimeType().getValueAsString();
        }
        if (o.hasEffectivePeriod() && o.getEffectivePeriod().hasStart()) {
            return o.getEffectivePeriod().getStartElement().getValueAsString();
        }
        return o.hasIssued() ? o.getIssuedElement().getValueAsString() : null;
    }

    private List<String> codes(CodeableConcept concept, String system) {
        return concept.getCoding().stream()
                .filter(c -> c.hasCode() && knowledge.isSystem(system, c.getSystem()))
                .map(Coding::getCode)
                .toList();
    }

    private static List<DrugCatalog.Coded> coded(CodeableConcept concept) {
        return concept.getCoding().stream()
                .map(c -> new DrugCatalog.Coded(c.getSystem(), c.getCode(), c.getDisplay()))
                .toList();
    }

    /** Text of a concept: its text, else its first display, else its first code. */
    public static String text(CodeableConcept concept) {
        if (concept.hasText()) {
            return concept.getText();
        }
        for (Coding c : concept.getCoding()) {
            if (c.hasDisplay()) {
                return c.getDisplay();
            }
        }
        return concept.getCoding().stream().map(Coding::getCode).filter(s -> s != null).findFirst().orElse("");
    }

    private static @Nullable String reasons(List<CodeableConcept> reasons) {
        String joined = reasons.stream().map(FactExtractor::text).filter(s -> !s.isBlank()).collect(Collectors.joining("; "));
        return joined.isBlank() ? null : joined;
    }

    private static String ref(Resource r) {
        return r.getIdElement().toUnqualifiedVersionless().getValue();
    }
}
