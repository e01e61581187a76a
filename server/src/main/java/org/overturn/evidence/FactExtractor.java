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
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.ChartFacts.BiomarkerFact;
import org.overturn.criteria.ChartFacts.Polarity;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.criteria.ResultReading;
import org.jspecify.annotations.Nullable;

/**
 * Reads the facts criteria need out of a chart's FHIR resources, using the knowledge files for what a biomarker
 * looks like and which drug a medication is. Every fact keeps the reference of the resource it came from.
 */
public final class FactExtractor {
    private final Knowledge knowledge;
    private final DrugCatalog drugs;
    private final ResultReading reading;
    private final GenomicReading genomic;

    public FactExtractor(Knowledge knowledge, DrugCatalog drugs) {
        this.reading = new ResultReading(knowledge.results());
        this.genomic = new GenomicReading(knowledge);
        this.knowledge = knowledge;
        this.drugs = drugs;
    }

    /** @param excludeOrder the order being evaluated, which is not a prior therapy (may be null) */
    public ChartFacts facts(Chart chart, @Nullable String excludeOrder) {
        LocalDate birthDate = birthDate(chart);
        List<ChartFacts.ConditionFact> conditions = new ArrayList<>();
        for (Condition c : chart.conditions()) {
            if (isCurrent(c)) {
                conditions.add(new ChartFacts.ConditionFact(ref(c), codes(c.getCode(), "icd10cm"), codes(c.getCode(), "snomed"),
                        text(c.getCode()), c.getStage().stream().map(s -> text(s.getSummary())).filter(t -> !t.isBlank()).toList()));
            }
        }
        List<BiomarkerFact> biomarkers = new ArrayList<>();
        // Oldest first, undated first: whoever takes "the last" of a kind takes the latest the chart dates.
        List<Observation> observations = chart.observations().stream()
                .sorted(java.util.Comparator.comparingLong(FactExtractor::when)
                        // Same moment: the one issued later, then the higher id, is taken as the later (never store order).
                        .thenComparingLong(o -> o.hasIssued() ? o.getIssued().getTime() : Long.MIN_VALUE)
                        .thenComparing(o -> o.getIdElement().getIdPart() == null ? "" : o.getIdElement().getIdPart()))
                .toList();
        List<ChartFacts.ObservationFact> observationFacts = new ArrayList<>();
        for (Observation o : observations) {
            if (o.getStatus() == Observation.ObservationStatus.CANCELLED
                    || o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR) {
                continue;
            }
            boolean isFinal = o.hasStatus() && knowledge.results().finalStatuses().contains(o.getStatus().toCode());
            for (KnowledgeModel.Biomarker b : knowledge.biomarkers()) {
                BiomarkerFact fact = observationFact(o, b, isFinal);
                if (fact != null) {
                    biomarkers.add(fact);
                }
            }
            for (String loinc : codes(o.getCode(), "loinc")) {
                observationFacts.add(new ChartFacts.ObservationFact(ref(o), loinc, text(o.getCode()), resultText(o), isFinal,
                        date(o)));
            }
        }
        for (DiagnosticReport r : chart.reports()) {
            if (r.getStatus() == DiagnosticReport.DiagnosticReportStatus.CANCELLED
                    || r.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR) {
                continue;
            }
            for (KnowledgeModel.Biomarker b : knowledge.biomarkers()) {
                BiomarkerFact fact = reportFact(r, b);
                if (fact != null) {
                    biomarkers.add(fact);
                }
            }
        }
        List<ChartFacts.ProcedureFact> procedures = new ArrayList<>();
        for (Procedure p : chart.procedures()) {
            if (p.getStatus() == Procedure.ProcedureStatus.COMPLETED) {
                procedures.add(new ChartFacts.ProcedureFact(ref(p), codes(p.getCode(), "snomed"), text(p.getCode()),
                        p.hasPerformedDateTimeType() ? p.getPerformedDateTimeType().getValueAsString()
                                : p.hasPerformedPeriod() && p.getPerformedPeriod().hasStart()
                                        ? p.getPerformedPeriod().getStartElement().getValueAsString() : null));
            }
        }
        return new ChartFacts(birthDate, conditions, biomarkers, therapies(chart, excludeOrder), observationFacts, procedures);
    }

    private List<ChartFacts.TherapyFact> therapies(Chart chart, @Nullable String excludeOrder) {
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
            // An order without an id (a CDS prefetch may send one) is never the order being assessed.
            if ((excludeOrder != null && excludeOrder.equals(ref(r))) || r.getStatus() == MedicationRequest.MedicationRequestStatus.ENTEREDINERROR) {
                continue;
            }
            CodeableConcept med = r.hasMedicationCodeableConcept() ? r.getMedicationCodeableConcept() : new CodeableConcept();
            String start = r.hasAuthoredOn() ? r.getAuthoredOnElement().getValueAsString() : null;
            List<CodeableConcept> reason = r.hasStatusReason() ? List.of(r.getStatusReason()) : List.of();
            therapies.add(new ChartFacts.TherapyFact(ref(r), drugs.recognizeAll(coded(med), med.getText()), text(med),
                    r.getStatus() == null ? "unknown" : r.getStatus().toCode(), start, null, reasons(reason)));
        }
        return therapies;
    }

    private static @Nullable LocalDate birthDate(Chart chart) {
        try {
            return chart.patient().hasBirthDateElement()
                    ? LocalDate.parse(padDate(chart.patient().getBirthDateElement().getValueAsString()))
                    : null;
        } catch (RuntimeException e) {
            return null; // an unreadable birth date is no birth date: the age criterion says so
        }
    }

    /**
     * The biomarker fact an Observation gives, or null when it is not about {@code b}. A result that is about it but
     * cannot be read is a fact with its problem, never an exception.
     */
    private @Nullable BiomarkerFact observationFact(Observation o, KnowledgeModel.Biomarker b, boolean isFinal) {
        List<String> loinc;
        Set<String> studied;
        List<String> variantTexts;
        KnowledgeModel.TestCode code;
        boolean variant;
        try {
            loinc = codes(o.getCode(), "loinc");
            if (loinc.stream().anyMatch(b.excludedLoinc()::contains)) {
                return null;
            }
            code = b.loinc().stream().filter(c -> loinc.contains(c.code())).findFirst().orElse(null);
            variant = loinc.contains(knowledge.variantPattern().observationCode());
            studied = genesStudied(o);
            variantTexts = variantTexts(o);
            boolean about = code != null
                    || (variant && b.genes().stream().anyMatch(g -> studied.contains(hgncId(g.hgnc()))
                            || studied.contains(g.symbol().toUpperCase(java.util.Locale.ROOT))))
                    || variantTexts.stream().anyMatch(t -> genomic.namesFusion(b, t));
            if (!about) {
                return null;
            }
        } catch (RuntimeException e) {
            return null; // cannot even tell what it is about
        }
        try {
            ChartFacts.Alteration alteration = ChartFacts.Alteration.UNSPECIFIED;
            if (code != null && code.measures() != null) {
                alteration = GenomicReading.of(code.measures());
            }
            if (alteration == ChartFacts.Alteration.UNSPECIFIED) {
                alteration = genomic.changeType(changeTypeCodings(o));
            }
            if (alteration == ChartFacts.Alteration.UNSPECIFIED && (variant || code == null)) {
                alteration = genomic.alteration(variantTexts);
            }
            String result = resultText(o);
            if (result.isBlank() && !variantTexts.isEmpty()) {
                result = String.join("; ", variantTexts);
            }
            Polarity polarity = polarity(o, b, result);
            List<String> methodTexts = new ArrayList<>();
            methodTexts.add(text(o.getCode()));
            if (o.hasMethod()) {
                methodTexts.add(text(o.getMethod()));
                o.getMethod().getCoding().forEach(c -> methodTexts.add(c.getDisplay() == null ? "" : c.getDisplay()));
            }
            Set<String> genes = new java.util.HashSet<>(studied);
            List<String> all = new ArrayList<>(variantTexts);
            all.add(result);
            List<String> resistance = polarity == Polarity.NEGATIVE ? List.of() : GenomicReading.resistance(b, genes, all);
            String testCode = code != null ? code.code()
                    : variant ? knowledge.variantPattern().observationCode() + ":" + String.join("+", new java.util.TreeSet<>(studied))
                    : null;
            return new BiomarkerFact(ref(o), b.id(), polarity, isFinal, result, method(o), date(o), lab(o.getPerformer()),
                    alteration, GenomicReading.screen(b, methodTexts), testCode, resistance,
                    polarity == Polarity.INDETERMINATE && result.isBlank() ? "the Observation carries no result" : null);
        } catch (RuntimeException e) {
            return new BiomarkerFact(ref(o), b.id(), Polarity.INDETERMINATE, isFinal, "", null, null, null,
                    ChartFacts.Alteration.UNSPECIFIED, false, null, List.of(), "the Observation could not be read ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    /** The texts that carry the variant: the code's text, valueString, and the variant and free-text components. */
    private List<String> variantTexts(Observation o) {
        List<String> texts = new ArrayList<>();
        if (o.getCode().hasText()) {
            texts.add(o.getCode().getText());
        }
        if (o.hasValueStringType()) {
            texts.add(o.getValueStringType().getValue());
        }
        List<String> variantCodes = knowledge.variantPattern().variantComponents().stream().map(KnowledgeModel.Code::code).toList();
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            List<String> loinc = codes(c.getCode(), "loinc");
            boolean variantComponent = loinc.stream().anyMatch(variantCodes::contains);
            if (c.hasValueStringType()) {
                texts.add(c.getValueStringType().getValue());
            } else if (variantComponent && c.hasValueCodeableConcept()) {
                texts.add(text(c.getValueCodeableConcept()));
                c.getValueCodeableConcept().getCoding().stream().map(Coding::getCode).filter(x -> x != null).forEach(texts::add);
            }
        }
        return texts.stream().filter(t -> t != null && !t.isBlank()).toList();
    }

    private List<Coding> changeTypeCodings(Observation o) {
        String component = knowledge.variantPattern().changeTypeComponent();
        List<Coding> out = new ArrayList<>();
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            if (component != null && codes(c.getCode(), "loinc").contains(component) && c.hasValueCodeableConcept()) {
                out.addAll(c.getValueCodeableConcept().getCoding());
            }
        }
        return out;
    }

    /**
     * The biomarker fact a DiagnosticReport gives from its own words (conclusion, conclusionCode, text/plain
     * presentedForm), citing the report; null when the report neither has a code of {@code b} nor names it.
     */
    private @Nullable BiomarkerFact reportFact(DiagnosticReport r, KnowledgeModel.Biomarker b) {
        try {
            List<String> loinc = codes(r.getCode(), "loinc");
            if (loinc.stream().anyMatch(b.excludedLoinc()::contains)) {
                return null;
            }
            KnowledgeModel.TestCode code = b.loinc().stream().filter(c -> loinc.contains(c.code())).findFirst().orElse(null);
            ReportText text = ReportText.of(r);
            List<String> clauses = text.clauses().stream().filter(c -> GenomicReading.mentions(b, c)).toList();
            if (code == null && clauses.isEmpty()) {
                return null;
            }
            if (clauses.isEmpty()) {
                clauses = text.clauses();
            }
            boolean isFinal = r.hasStatus() && knowledge.results().finalStatuses().contains(r.getStatus().toCode());
            String problem = clauses.isEmpty()
                    ? (text.problem() != null ? text.problem() : "the report has no conclusion or readable text")
                    : null;
            Polarity polarity = Polarity.INDETERMINATE;
            for (int i = 0; i < clauses.size(); i++) {
                Polarity p = clausePolarity(b, clauses.get(i));
                polarity = i == 0 ? p : p == polarity ? polarity : Polarity.INDETERMINATE;
            }
            ChartFacts.Alteration alteration = code != null && code.measures() != null
                    ? GenomicReading.of(code.measures())
                    : genomic.alteration(clauses);
            List<String> methodTexts = new ArrayList<>(clauses);
            methodTexts.add(text(r.getCode()));
            Set<String> genes = new java.util.HashSet<>();
            String result = String.join("; ", clauses);
            return new BiomarkerFact(ref(r), b.id(), polarity, isFinal, result.length() > 300 ? result.substring(0, 297) + "..." : result,
                    null, date(r), lab(r.getPerformer()), alteration, GenomicReading.screen(b, methodTexts),
                    code != null ? code.code() : "report:" + String.join("+", loinc), 
                    polarity == Polarity.NEGATIVE ? List.of() : GenomicReading.resistance(b, genes, clauses), problem);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A clause of a report read for the biomarker: a percentage against its threshold, else its words. */
    private Polarity clausePolarity(KnowledgeModel.Biomarker b, String clause) {
        if (b.threshold() != null && "%".equals(b.threshold().unit())) {
            java.util.regex.Matcher m = PERCENT.matcher(clause);
            if (m.find()) {
                return new BigDecimal(m.group(1)).compareTo(b.threshold().minimum()) >= 0 ? Polarity.POSITIVE : Polarity.NEGATIVE;
            }
        }
        return reading.read(clause);
    }

    private static final java.util.regex.Pattern PERCENT = java.util.regex.Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)\\s*%");

    /** When an Observation was made, as a sort key: undated first. */
    private static long when(Observation o) {
        try {
            java.util.Date d = o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType().getValue()
                    : o.hasEffectivePeriod() && o.getEffectivePeriod().hasStart() ? o.getEffectivePeriod().getStart()
                    : o.hasIssued() ? o.getIssued() : null;
            return d == null ? Long.MIN_VALUE : d.getTime();
        } catch (RuntimeException e) {
            return Long.MIN_VALUE;
        }
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

    private Polarity polarity(Observation o, KnowledgeModel.Biomarker b, String text) {
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
        return reading.read(text);
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

    /** The performing lab as the resource names it (display of its performer, else its reference), if it does. */
    private static @Nullable String lab(List<org.hl7.fhir.r4.model.Reference> performers) {
        for (org.hl7.fhir.r4.model.Reference p : performers) {
            if (p.hasDisplay()) {
                return p.getDisplay();
            }
            if (p.hasReference()) {
                return p.getReference();
            }
        }
        return null;
    }

    /** When the report was made, as written: effective date-time or period start, else when it was issued. */
    private static @Nullable String date(DiagnosticReport r) {
        if (r.hasEffectiveDateTimeType()) {
            return r.getEffectiveDateTimeType().getValueAsString();
        }
        if (r.hasEffectivePeriod() && r.getEffectivePeriod().hasStart()) {
            return r.getEffectivePeriod().getStartElement().getValueAsString();
        }
        return r.hasIssued() ? r.getIssuedElement().getValueAsString() : null;
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
