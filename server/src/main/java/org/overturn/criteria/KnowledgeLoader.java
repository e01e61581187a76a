package org.overturn.criteria;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Loads the coverage knowledge files from the classpath and checks them as a whole: every reference resolves, every
 * fact is sourced, every criterion has what its kind needs. Problems are collected, not thrown one by one, so a broken
 * file set is reported in one message. The law files beside them (jurisdictions, regimes, appeals) are the law
 * package's to load.
 */
public final class KnowledgeLoader {
    /** Where the knowledge files are on the classpath; the law's loader reads its files from the same root. */
    public static final String ROOT = "knowledge/";
    private static final Set<String> VERIFICATIONS =
            Set.of(KnowledgeModel.VERIFIED, KnowledgeModel.SECONDARY, KnowledgeModel.UNVERIFIED);
    private static final Set<String> BENEFITS = Set.of("pharmacy", "medical", "investigational");
    private static final Set<String> FDA_STATUSES = Set.of("approved", "investigational");
    private static final Pattern HTTPS_URL = Pattern.compile("https://[A-Za-z0-9.-]+\\.[a-z]{2,}(/\\S*)?");
    private static final Pattern LOINC = Pattern.compile("\\d{1,7}-\\d");
    private static final Pattern HGNC = Pattern.compile("HGNC:\\d+");
    private static final Pattern CARC = Pattern.compile("[A-Z]?\\d{1,3}");
    private static final Pattern SNOMED = Pattern.compile("\\d{6,18}");
    private static final Pattern ICD10 = Pattern.compile("[A-Z]\\d{2}(\\.[0-9A-Z]{1,4})?");
    private static final Pattern PROTEIN_CHANGE = Pattern.compile("[ACDEFGHIKLMNPQRSTVWY]\\d{1,5}[ACDEFGHIKLMNPQRSTVWY]");

    private final List<String> problems = new ArrayList<>();

    /** Loads from {@code classpath:knowledge/}; throws {@link KnowledgeException} listing every problem. */
    public static Knowledge load() {
        return new KnowledgeLoader().loadFrom(new PathMatchingResourcePatternResolver(), "classpath*:" + ROOT);
    }

    Knowledge loadFrom(PathMatchingResourcePatternResolver resolver, String root) {
        KnowledgeFiles files = new KnowledgeFiles(resolver, root, problems);
        JsonNode codeSystems = files.read("code-systems.yaml");
        JsonNode drugs = files.read("drugs.yaml");
        JsonNode biomarkers = files.read("biomarkers.yaml");
        JsonNode payers = files.read("payers.yaml");
        JsonNode denials = files.read("denial-reasons.yaml");
        JsonNode costFile = files.read("cost-assistance.yaml");
        JsonNode diagnosisFile = files.read("diagnoses.yaml");
        JsonNode settingFile = files.read("disease-settings.yaml");
        List<KnowledgeModel.Policy> policies = new ArrayList<>();
        try {
            Resource[] policyFiles = files.resources("policies/*.yaml");
            Arrays.sort(policyFiles, Comparator.comparing(Resource::getFilename));
            for (Resource file : policyFiles) {
                JsonNode node = files.tree(file);
                KnowledgeModel.Policy policy = node == null ? null
                        : files.convert(node, KnowledgeModel.Policy.class, "policies/" + file.getFilename());
                if (policy != null) {
                    files.version("policies/" + file.getFilename(), policy.version());
                    policies.add(policy);
                }
            }
        } catch (IOException e) {
            problems.add("policies/: cannot list the policy files (" + e.getMessage() + ")");
        }
        Map<String, List<String>> systems = new LinkedHashMap<>();
        if (codeSystems != null) {
            codeSystems.path("codeSystems").fields().forEachRemaining(e -> {
                List<String> uris = new ArrayList<>();
                e.getValue().forEach(u -> uris.add(u.asText()));
                systems.put(e.getKey(), uris);
            });
        }
        List<KnowledgeModel.Drug> drugList = files.list(drugs, "drugs", KnowledgeModel.Drug.class, "drugs.yaml");
        List<KnowledgeModel.Biomarker> biomarkerList = files.list(biomarkers, "biomarkers", KnowledgeModel.Biomarker.class, "biomarkers.yaml");
        List<KnowledgeModel.Payer> payerList = files.list(payers, "payers", KnowledgeModel.Payer.class, "payers.yaml");
        List<KnowledgeModel.CostProgram> programs =
                files.list(costFile, "programs", KnowledgeModel.CostProgram.class, "cost-assistance.yaml");
        List<KnowledgeModel.DenialReason> denialList =
                files.list(denials, "denialReasons", KnowledgeModel.DenialReason.class, "denial-reasons.yaml");
        KnowledgeModel.ResultVocabulary results = biomarkers == null ? null
                : files.convert(biomarkers.path("results"), KnowledgeModel.ResultVocabulary.class, "biomarkers.yaml results");
        KnowledgeModel.VariantPattern pattern = biomarkers == null ? null
                : files.convert(biomarkers.path("variantPattern"), KnowledgeModel.VariantPattern.class, "biomarkers.yaml variantPattern");
        List<KnowledgeModel.ChangeType> changeTypes =
                files.list(biomarkers, "changeTypes", KnowledgeModel.ChangeType.class, "biomarkers.yaml");
        KnowledgeModel.AlterationText alterationText = biomarkers == null || biomarkers.path("alterationText").isMissingNode()
                ? new KnowledgeModel.AlterationText(List.of(), List.of(), "none", KnowledgeModel.UNVERIFIED)
                : files.convert(biomarkers.path("alterationText"), KnowledgeModel.AlterationText.class, "biomarkers.yaml alterationText");
        List<KnowledgeModel.DiagnosisMapping> diagnoses =
                files.list(diagnosisFile, "mappings", KnowledgeModel.DiagnosisMapping.class, "diagnoses.yaml");
        List<KnowledgeModel.DiseaseSetting> settings =
                files.list(settingFile, "settings", KnowledgeModel.DiseaseSetting.class, "disease-settings.yaml");
        if (results != null && pattern != null && alterationText != null) {
            // Cross-checks run even after a parse problem elsewhere, so one start-up names every problem.
            Knowledge knowledge = new Knowledge(systems, drugList, results, pattern, biomarkerList, payerList, policies,
                    files.versions(), denialList, programs, citations(drugList, policies), changeTypes, alterationText, diagnoses, settings);
            check(knowledge);
            if (problems.isEmpty()) {
                return knowledge;
            }
        }
        throw new KnowledgeException(problems);
    }

    /**
     * Each knowledge source that has a public {@code citation}, mapped to it. A citation is what letters show a payer,
     * so it must carry no internal mark (file names, verification marks), and one source has one citation.
     */
    private Map<String, String> citations(List<KnowledgeModel.Drug> drugs, List<KnowledgeModel.Policy> policies) {
        Map<String, String> out = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, KnowledgeModel.Sourced> add = (at, f) -> citation(out, at, f.source(), f.citation());
        for (KnowledgeModel.Drug d : drugs) {
            String at = "drugs.yaml " + d.id();
            citation(out, at, d.source(), d.citation());
            d.evidence().forEach(e -> {
                add.accept(at + " evidence", e);
                require(e.setting() == null || KnowledgeModel.SETTINGS.contains(e.setting()),
                        at + " evidence: setting must be one of " + KnowledgeModel.SETTINGS + ", not " + e.setting());
                if (e.icd10() != null) {
                    e.icd10().forEach(c -> require(ICD10.matcher(c).matches(), at + " evidence: '" + c + "' is not an ICD-10-CM category"));
                }
            });
            d.guidelines().forEach(g -> add.accept(at + " guideline", g));
            if (d.dosing() != null) {
                citation(out, at + " dosing", d.dosing().source(), d.dosing().citation());
                require(d.dosing().pediatric() == null || d.dosing().pediatric().perM2().signum() > 0,
                        at + " dosing: pediatric perM2 must be positive");
            }
            for (KnowledgeModel.Indication ind : d.indications()) {
                require(ind.setting() == null || KnowledgeModel.SETTINGS.contains(ind.setting()),
                        at + ": indication setting must be one of " + KnowledgeModel.SETTINGS + ", not " + ind.setting());
            }
        }
        for (KnowledgeModel.Policy p : policies) {
            p.criteria().forEach(c -> citation(out, "policy " + p.id() + " criterion " + c.id(), c.source(), c.citation()));
        }
        return out;
    }

    private void citation(Map<String, String> out, String at, @Nullable String source, @Nullable String citation) {
        if (citation == null) {
            return;
        }
        if (source == null) {
            problems.add(at + ": a citation needs the source it stands for");
            return;
        }
        org.overturn.platform.InternalMarks.find(citation).ifPresent(mark -> problems.add(at + ": citation '" + citation
                + "' is shown to payers and must carry no internal mark (" + mark + ")"));
        String before = out.putIfAbsent(source, citation);
        require(before == null || before.equals(citation), at + ": source '" + source + "' has two citations ('" + before
                + "' and '" + citation + "')");
    }

    private void check(Knowledge k) {
        Set<String> drugIds = unique("drugs.yaml drug", k.drugs().stream().map(KnowledgeModel.Drug::id).toList());
        Set<String> biomarkerIds = unique("biomarkers.yaml biomarker", k.biomarkers().stream().map(KnowledgeModel.Biomarker::id).toList());
        Set<String> payerIds = unique("payers.yaml payer", k.payers().stream().map(KnowledgeModel.Payer::id).toList());
        unique("policy", k.policies().stream().map(KnowledgeModel.Policy::id).toList());
        for (KnowledgeModel.Drug d : k.drugs()) {
            String at = "drugs.yaml " + d.id();
            require(!d.names().isEmpty(), at + ": needs at least one name");
            require(BENEFITS.contains(d.benefit()), at + ": benefit must be one of " + BENEFITS);
            require(FDA_STATUSES.contains(d.fdaStatus()), at + ": fdaStatus must be one of " + FDA_STATUSES);
            sourced(at, d.source(), d.verification());
            for (KnowledgeModel.Code c : d.codes()) {
                require(k.codeSystems().containsKey(c.system()), at + ": code " + c.code() + " has unknown system '" + c.system() + "'");
                require(c.verification() != null && VERIFICATIONS.contains(c.verification()), at + ": code " + c.code() + " needs a verification");
            }
            for (KnowledgeModel.PublishedLink link : d.references()) {
                String where = at + " reference '" + link.label() + "'";
                sourced(where, link.source(), link.verification());
                require(link.url() != null && HTTPS_URL.matcher(link.url()).matches(), where + ": url must be an https address, not " + link.url());
                // The label is what a clinician reads on the card: no file names or verification marks.
                org.overturn.platform.InternalMarks.find(link.label())
                        .ifPresent(mark -> problems.add(where + ": label must carry no internal mark (" + mark + ")"));
            }
            for (KnowledgeModel.Indication ind : d.indications()) {
                require(ind.biomarker() == null || biomarkerIds.contains(ind.biomarker()), at + ": indication names unknown biomarker " + ind.biomarker());
            }
        }
        for (KnowledgeModel.Biomarker b : k.biomarkers()) {
            String at = "biomarkers.yaml " + b.id();
            sourced(at, b.source(), b.verification());
            require(!b.genes().isEmpty(), at + ": needs at least one gene");
            b.genes().forEach(g -> require(HGNC.matcher(g.hgnc()).matches(), at + ": gene " + g.symbol() + " needs an HGNC id like HGNC:427"));
            b.loinc().forEach(c -> require(LOINC.matcher(c.code()).matches(), at + ": '" + c.code() + "' is not a LOINC code"));
            b.loinc().forEach(c -> require(c.verification() != null && VERIFICATIONS.contains(c.verification()), at + ": LOINC " + c.code() + " needs a verification"));
            b.loinc().forEach(c -> require(c.measures() == null || KnowledgeModel.ALTERATIONS.contains(c.measures()),
                    at + ": LOINC " + c.code() + " measures must be one of " + KnowledgeModel.ALTERATIONS + ", not " + c.measures()));
            require(b.alteration() == null || KnowledgeModel.ALTERATIONS.contains(b.alteration()),
                    at + ": alteration must be one of " + KnowledgeModel.ALTERATIONS + ", not " + b.alteration());
            require(b.documentation() != null && !b.documentation().isBlank(), at + ": needs the documentation that proves it");
            if (b.threshold() != null) {
                sourced(at + " threshold", b.threshold().source(), b.threshold().verification());
            }
            if (b.screening() != null) {
                sourced(at + " screening", b.screening().source(), b.screening().verification());
                require(!b.screening().words().isEmpty() && b.screening().text() != null, at + " screening: needs words and text");
            }
            if (b.resistance() != null) {
                sourced(at + " resistance", b.resistance().source(), b.resistance().verification());
                Set<String> symbols = new HashSet<>(b.genes().stream().map(KnowledgeModel.Gene::symbol).toList());
                for (KnowledgeModel.Mutation m : b.resistance().mutations()) {
                    String where = at + " resistance " + m.gene() + " " + m.change();
                    sourced(where, m.source(), m.verification());
                    require(symbols.contains(m.gene()), where + ": gene is not one of the biomarker's genes " + symbols);
                    require(m.change() != null && PROTEIN_CHANGE.matcher(m.change()).matches(),
                            where + ": change must be a one-letter protein change like G595R");
                }
            }
        }
        for (KnowledgeModel.Payer p : k.payers()) {
            String at = "payers.yaml " + p.id();
            sourced(at, p.source(), p.verification());
            require(!p.identifiers().isEmpty() || !p.namePatterns().isEmpty(), at + ": needs identifiers or name patterns to be recognized by");
            p.contacts().forEach(c -> contact(at, c, KnowledgeModel.PAYER_CONTACT_USES));
            for (KnowledgeModel.SpecialtyPharmacy sp : p.specialtyPharmacies()) {
                String where = at + " specialty pharmacy " + sp.name();
                sourced(where, sp.source(), sp.verification());
                require(!sp.benefits().isEmpty() && BENEFITS.containsAll(sp.benefits()), where + ": benefits must be some of " + BENEFITS);
                sp.contacts().forEach(c -> contact(where, c, KnowledgeModel.PHARMACY_CONTACT_USES));
                sp.notes().forEach(n -> sourced(where + " note", n.source(), n.verification()));
            }
        }
        Set<String> programIds = new HashSet<>();
        for (KnowledgeModel.CostProgram c : k.costAssistance()) {
            String at = "cost-assistance.yaml " + c.id();
            require(programIds.add(c.id()), "cost-assistance.yaml program id '" + c.id() + "' appears twice");
            sourced(at, c.source(), c.verification());
            require(KnowledgeModel.PROGRAM_KINDS.contains(c.kind()), at + ": kind must be one of " + KnowledgeModel.PROGRAM_KINDS
                    + ", not " + c.kind());
            require(!c.drugs().isEmpty(), at + ": needs the drugs whose sources name it");
            require(!c.offers().isEmpty(), at + ": needs what it offers");
            c.states().forEach(st -> require(st != null && STATE.matcher(st).matches(), at + ": '" + st + "' is not a two-letter state code"));
            c.contacts().forEach(x -> contact(at, x, List.of("phone")));
            for (String drug : c.drugs()) {
                require(drugIds.contains(drug), at + ": names unknown drug " + drug);
                if ("manufacturer".equals(c.kind())) {
                    String sponsor = k.drug(drug).map(KnowledgeModel.Drug::sponsor).orElse(null);
                    require(c.sponsor() != null && c.sponsor().equals(sponsor), at + ": a manufacturer program's sponsor must be the"
                            + " sponsor of " + drug + " in drugs.yaml (" + sponsor + "), not " + c.sponsor());
                }
            }
            require("payer-program".equals(c.kind()) == (c.payer() != null), at + ": a payer-program names its payer, other kinds none");
            require(c.payer() == null || payerIds.contains(c.payer()), at + ": unknown payer " + c.payer());
        }
        Set<String> settingIds = unique("disease-settings.yaml setting", k.settings().stream().map(KnowledgeModel.DiseaseSetting::id).toList());
        for (KnowledgeModel.DiseaseSetting s : k.settings()) {
            String at = "disease-settings.yaml " + s.id();
            require(KnowledgeModel.SETTINGS.contains(s.id()), at + ": the id must be one of " + KnowledgeModel.SETTINGS);
            sourced(at, s.source(), s.verification());
            s.conditionIcd10().forEach(c -> require(ICD10.matcher(c).matches(), at + ": '" + c + "' is not an ICD-10-CM category"));
            List<KnowledgeModel.ValueRule> rules = new ArrayList<>(s.observations());
            if (s.resection() != null) {
                rules.addAll(s.resection().qualifiers());
                s.resection().snomed().forEach(c -> require(SNOMED.matcher(c).matches(), at + ": '" + c + "' is not a SNOMED CT concept id"));
                compiles(at + " resection", s.resection().textPattern());
            }
            for (KnowledgeModel.ValueRule r : rules) {
                r.loinc().forEach(l -> require(LOINC.matcher(l).matches(), at + ": '" + l + "' is not a LOINC code"));
                require((r.valuePattern() == null) != (r.atLeastCm() == null), at + " " + r.loinc() + ": needs a valuePattern or atLeastCm, not both");
                compiles(at + " " + r.loinc(), r.valuePattern());
            }
            compiles(at + " stagePattern", s.stagePattern());
            compiles(at + " textPattern", s.textPattern());
        }
        for (KnowledgeModel.Policy p : k.policies()) {
            for (KnowledgeModel.Criterion c : p.criteria()) {
                c.settings().forEach(id -> require(settingIds.contains(id), "policy " + p.id() + " criterion " + c.id()
                        + ": setting " + id + " is not in disease-settings.yaml"));
            }
        }
        for (KnowledgeModel.Policy p : k.policies()) {
            String at = "policy " + p.id();
            sourced(at, p.source(), p.verification());
            require(p.version() >= 1, at + ": version must be 1 or more");
            require(payerIds.contains(p.payer()), at + ": unknown payer " + p.payer());
            require(drugIds.contains(p.drug()), at + ": unknown drug " + p.drug());
            try {
                LocalDate.parse(p.effective());
            } catch (DateTimeParseException e) {
                problems.add(at + ": effective must be a date (YYYY-MM-DD), not " + p.effective());
            }
            require(!p.criteria().isEmpty(), at + ": has no criteria");
            if (p.approval() != null) {
                sourced(at + " approval", p.approval().source(), p.approval().verification());
                require(p.approval().months() >= 1 && p.approval().months() <= 60, at + ": approval months must be 1 to 60");
            }
            unique(at + " criterion", p.criteria().stream().map(KnowledgeModel.Criterion::id).toList());
            for (KnowledgeModel.Criterion c : p.criteria()) {
                checkCriterion(at + " criterion " + c.id(), c, drugIds, biomarkerIds);
            }
        }
        for (KnowledgeModel.Kind kind : KnowledgeModel.Kind.values()) {
            long entries = k.denialReasons().stream().filter(d -> d.kind() == kind).count();
            require(entries == 1, "denial-reasons.yaml: criterion kind " + kind + " needs exactly one denial reason, not " + entries);
        }
        for (KnowledgeModel.DenialReason d : k.denialReasons()) {
            String at = "denial-reasons.yaml " + d.kind();
            sourced(at, d.source(), d.verification());
            require(d.carc() != null && CARC.matcher(d.carc()).matches(), at + ": '" + d.carc() + "' is not a CARC code");
            require(d.reason() != null && !d.reason().isBlank(), at + ": needs the reason a denial states");
        }
        for (KnowledgeModel.ChangeType t : k.changeTypes()) {
            String at = "biomarkers.yaml changeTypes " + t.code();
            sourced(at, t.source(), t.verification());
            require(k.codeSystems().containsKey(t.system()), at + ": unknown system " + t.system());
            require(KnowledgeModel.CHANGE_KINDS.contains(t.kind()), at + ": kind must be one of " + KnowledgeModel.CHANGE_KINDS
                    + ", not " + t.kind());
        }
        KnowledgeModel.VariantPattern vp = k.variantPattern();
        require(vp.changeTypeComponent() == null || LOINC.matcher(vp.changeTypeComponent()).matches(),
                "biomarkers.yaml variantPattern: changeTypeComponent '" + vp.changeTypeComponent() + "' is not a LOINC code");
        vp.variantComponents().forEach(c -> require(LOINC.matcher(c.code()).matches(),
                "biomarkers.yaml variantPattern: variant component '" + c.code() + "' is not a LOINC code"));
        sourced("biomarkers.yaml alterationText", k.alterationText().source(), k.alterationText().verification());
        for (String regex : concat(k.alterationText().fusion(), k.alterationText().sequenceChange())) {
            try {
                Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                problems.add("biomarkers.yaml alterationText: pattern does not compile: " + regex);
            }
        }
        Set<String> snomedIds = new HashSet<>();
        for (KnowledgeModel.DiagnosisMapping d : k.diagnoses()) {
            String at = "diagnoses.yaml " + d.snomed();
            require(d.snomed() != null && SNOMED.matcher(d.snomed()).matches(), at + ": '" + d.snomed() + "' is not a SNOMED CT concept id");
            require(snomedIds.add(d.snomed()), at + ": appears twice");
            sourced(at, d.source(), d.verification());
            sourced(at + " concept", d.conceptSource(), d.conceptVerification());
            require(!d.icd10().isEmpty(), at + ": needs the ICD-10-CM categories it maps to");
            d.icd10().forEach(c -> require(c != null && ICD10.matcher(c).matches(), at + ": '" + c + "' is not an ICD-10-CM category like C34 or C91.0"));
        }
        KnowledgeModel.ResultVocabulary results = k.results();
        require(results.indeterminateCodes() != null && results.uncertainWords() != null && results.negationPatterns() != null
                && results.positivePatterns() != null, "biomarkers.yaml results: needs indeterminateCodes, uncertainWords,"
                + " negationPatterns and positivePatterns (lists, possibly empty)");
        if (results.indeterminateCodes() != null && results.uncertainWords() != null && results.negationPatterns() != null
                && results.positivePatterns() != null) {
            for (List<KnowledgeModel.Code> codes : List.of(results.positiveCodes(), results.negativeCodes(), results.indeterminateCodes())) {
                for (KnowledgeModel.Code c : codes) {
                    require(k.codeSystems().containsKey(c.system()), "biomarkers.yaml results: unknown system " + c.system());
                }
            }
            try {
                ResultReading.check(results);
            } catch (java.util.regex.PatternSyntaxException e) {
                require(false, "biomarkers.yaml results: a pattern does not compile: " + e.getMessage());
            }
        }
    }

    private static final Pattern STATE = Pattern.compile("[A-Z]{2}");
    /** A US phone or fax number as the sources write it: 1-800-882-4462 or 877-826-7657. */
    private static final Pattern PHONE = Pattern.compile("(1-)?\\d{3}-\\d{3}-\\d{4}");

    /** A number is sourced, says what it is for, and looks like a number: a typo here reaches a fax machine. */
    private void contact(String at, KnowledgeModel.PayerContact c, List<String> uses) {
        String where = at + " contact " + c.what();
        sourced(where, c.source(), c.verification());
        require(uses.contains(c.use()), where + ": use must be one of " + uses + ", not " + c.use());
        require(c.value() != null && PHONE.matcher(c.value()).matches(), where + ": '" + c.value()
                + "' is not a phone or fax number like 1-800-555-0100");
        c.states().forEach(st -> require(st != null && STATE.matcher(st).matches(), where + ": '" + st + "' is not a two-letter state code"));
    }

    private void checkCriterion(String at, KnowledgeModel.Criterion c, Set<String> drugIds, Set<String> biomarkerIds) {
        require(c.source() != null && !c.source().isBlank(), at + ": needs a source");
        require(c.description() != null && !c.description().isBlank(), at + ": needs a description");
        switch (c.kind()) {
            case DIAGNOSIS -> require(!c.icd10().isEmpty(), at + ": a diagnosis criterion needs icd10 prefixes");
            case BIOMARKER_POSITIVE -> require(c.biomarker() != null && biomarkerIds.contains(c.biomarker()),
                    at + ": names unknown biomarker " + c.biomarker());
            case PRIOR_THERAPY -> {
                require(c.minimum() != null && c.minimum() >= 1, at + ": a prior-therapy criterion needs minimum >= 1");
                c.drugs().forEach(d -> require(drugIds.contains(d), at + ": names unknown drug " + d));
                c.excludeDrugs().forEach(d -> require(drugIds.contains(d), at + ": excludes unknown drug " + d));
                compiles(at + " stopReasonPattern", c.stopReasonPattern());
            }
            case AGE_MINIMUM -> require(c.years() != null && c.years() >= 0, at + ": an age-minimum criterion needs years");
            case OBSERVATION_PRESENT -> c.loinc().forEach(l -> require(LOINC.matcher(l).matches(), at + ": '" + l + "' is not a LOINC code"));
            case FDA_APPROVED -> { }
            case DISEASE_SETTING -> require(!c.settings().isEmpty(), at + ": a disease-setting criterion needs settings");
            case DISEASE_STATUS -> require(!c.icd10().isEmpty() && !c.inactiveIcd10().isEmpty(),
                    at + ": a disease-status criterion needs icd10 (active) and inactiveIcd10 (in remission) codes");
        }
        require(c.settings().isEmpty() || c.kind() == KnowledgeModel.Kind.DISEASE_SETTING, at + ": only a disease-setting criterion has settings");
        require(c.acceptsScreening() == null || c.kind() == KnowledgeModel.Kind.BIOMARKER_POSITIVE,
                at + ": only a biomarker-positive criterion can accept screening results");
        if (c.kind() == KnowledgeModel.Kind.OBSERVATION_PRESENT) {
            require(!c.loinc().isEmpty(), at + ": an observation-present criterion needs loinc codes");
        }
    }

    private void compiles(String at, @Nullable String regex) {
        if (regex == null) {
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            problems.add(at + ": pattern does not compile: " + regex);
        }
    }

    private void sourced(String at, @Nullable String source, @Nullable String verification) {
        KnowledgeFiles.checkSourced(problems, at, source, verification);
    }

    private Set<String> unique(String what, List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            require(seen.add(id), what + " id '" + id + "' appears twice");
        }
        return seen;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void require(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
