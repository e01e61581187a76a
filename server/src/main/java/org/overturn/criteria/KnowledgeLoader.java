package org.overturn.criteria;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
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
import org.springframework.lang.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Loads the knowledge files from the classpath and checks them as a whole: every reference resolves, every fact is
 * sourced, every criterion has what its kind needs. Problems are collected, not thrown one by one, so a broken file
 * set is reported in one message.
 */
public final class KnowledgeLoader {
    static final String ROOT = "knowledge/";
    private static final Set<String> VERIFICATIONS =
            Set.of(KnowledgeModel.VERIFIED, KnowledgeModel.SECONDARY, KnowledgeModel.UNVERIFIED);
    private static final Set<String> BENEFITS = Set.of("pharmacy", "medical", "investigational");
    private static final Set<String> FDA_STATUSES = Set.of("approved", "investigational");
    private static final Pattern LOINC = Pattern.compile("\\d{1,7}-\\d");
    private static final Pattern HGNC = Pattern.compile("HGNC:\\d+");
    private static final Pattern CARC = Pattern.compile("[A-Z]?\\d{1,3}");
    private static final Pattern SNOMED = Pattern.compile("\\d{6,18}");
    private static final Pattern ICD10 = Pattern.compile("[A-Z]\\d{2}(\\.[0-9A-Z]{1,4})?");
    private static final Pattern PROTEIN_CHANGE = Pattern.compile("[ACDEFGHIKLMNPQRSTVWY]\\d{1,5}[ACDEFGHIKLMNPQRSTVWY]");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> versions = new LinkedHashMap<>();

    /** Loads from {@code classpath:knowledge/}; throws {@link KnowledgeException} listing every problem. */
    public static Knowledge load() {
        return new KnowledgeLoader().loadFrom(new PathMatchingResourcePatternResolver(), "classpath*:" + ROOT);
    }

    Knowledge loadFrom(PathMatchingResourcePatternResolver resolver, String root) {
        JsonNode codeSystems = read(resolver, root + "code-systems.yaml");
        JsonNode drugs = read(resolver, root + "drugs.yaml");
        JsonNode biomarkers = read(resolver, root + "biomarkers.yaml");
        JsonNode payers = read(resolver, root + "payers.yaml");
        JsonNode jurisdictions = read(resolver, root + "jurisdictions.yaml");
        JurisdictionRules rules = jurisdictions == null ? null
                : new JurisdictionRulesReader(problems).read(jurisdictions, versions.getOrDefault(JurisdictionRulesReader.FILE, 0));
        JsonNode regimeFile = read(resolver, root + "regimes.yaml");
        RegimeRules regimes = regimeFile == null ? null : convert(regimeFile, RegimeRules.class, "regimes.yaml");
        JsonNode denials = read(resolver, root + "denial-reasons.yaml");
        JsonNode rebuttalFile = read(resolver, root + "rebuttals.yaml");
        JsonNode externalReviewFile = read(resolver, root + "external-review.yaml");
        JsonNode accessFile = read(resolver, root + "access-letters.yaml");
        JsonNode costFile = read(resolver, root + "cost-assistance.yaml");
        JsonNode diagnosisFile = read(resolver, root + "diagnoses.yaml");
        JsonNode settingFile = read(resolver, root + "disease-settings.yaml");
        AppealRules.AccessLettersFile access = accessFile == null ? null
                : convert(accessFile, AppealRules.AccessLettersFile.class, "access-letters.yaml");
        AppealRules.RebuttalFile rebuttals = rebuttalFile == null ? null
                : convert(rebuttalFile, AppealRules.RebuttalFile.class, "rebuttals.yaml");
        AppealRules.ExternalReviewFile externalReview = externalReviewFile == null ? null
                : convert(externalReviewFile, AppealRules.ExternalReviewFile.class, "external-review.yaml");
        List<KnowledgeModel.Policy> policies = new ArrayList<>();
        try {
            Resource[] files = resolver.getResources(root + "policies/*.yaml");
            Arrays.sort(files, Comparator.comparing(Resource::getFilename));
            for (Resource file : files) {
                JsonNode node = tree(file);
                KnowledgeModel.Policy policy = node == null ? null : convert(node, KnowledgeModel.Policy.class, "policies/" + file.getFilename());
                if (policy != null) {
                    versions.put("policies/" + file.getFilename(), policy.version());
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
        List<KnowledgeModel.Drug> drugList = list(drugs, "drugs", KnowledgeModel.Drug.class, "drugs.yaml");
        List<KnowledgeModel.Biomarker> biomarkerList = list(biomarkers, "biomarkers", KnowledgeModel.Biomarker.class, "biomarkers.yaml");
        List<KnowledgeModel.Payer> payerList = list(payers, "payers", KnowledgeModel.Payer.class, "payers.yaml");
        List<KnowledgeModel.CostProgram> programs =
                list(costFile, "programs", KnowledgeModel.CostProgram.class, "cost-assistance.yaml");
        List<KnowledgeModel.DenialReason> denialList =
                list(denials, "denialReasons", KnowledgeModel.DenialReason.class, "denial-reasons.yaml");
        KnowledgeModel.ResultVocabulary results = biomarkers == null ? null
                : convert(biomarkers.path("results"), KnowledgeModel.ResultVocabulary.class, "biomarkers.yaml results");
        KnowledgeModel.VariantPattern pattern = biomarkers == null ? null
                : convert(biomarkers.path("variantPattern"), KnowledgeModel.VariantPattern.class, "biomarkers.yaml variantPattern");
        List<KnowledgeModel.ChangeType> changeTypes =
                list(biomarkers, "changeTypes", KnowledgeModel.ChangeType.class, "biomarkers.yaml");
        KnowledgeModel.AlterationText alterationText = biomarkers == null || biomarkers.path("alterationText").isMissingNode()
                ? new KnowledgeModel.AlterationText(List.of(), List.of(), "none", KnowledgeModel.UNVERIFIED)
                : convert(biomarkers.path("alterationText"), KnowledgeModel.AlterationText.class, "biomarkers.yaml alterationText");
        List<KnowledgeModel.DiagnosisMapping> diagnoses =
                list(diagnosisFile, "mappings", KnowledgeModel.DiagnosisMapping.class, "diagnoses.yaml");
        List<KnowledgeModel.DiseaseSetting> settings =
                list(settingFile, "settings", KnowledgeModel.DiseaseSetting.class, "disease-settings.yaml");
        if (results != null && pattern != null && alterationText != null && jurisdictions != null && rules != null
                && regimes != null && rebuttals != null && externalReview != null && access != null) {
            // Cross-checks run even after a parse problem elsewhere, so one start-up names every problem.
            AppealRules appeals = new AppealRules(rebuttals.appealPackage(), rebuttals.rebuttals(),
                    externalReview.commonEnclosures(), externalReview.bodies(),
                    new AppealRules.AccessLetters(access.stepTherapy(), access.expandedAccess(), access.clinicalTrial()));
            Knowledge knowledge = new Knowledge(systems, drugList, results, pattern, biomarkerList, payerList, policies,
                    jurisdictions, rules, regimes, versions, denialList, appeals, programs, citations(drugList, policies), changeTypes, alterationText, diagnoses, settings);
            check(knowledge);
            checkRegimes(regimes, rules, systems);
            new AppealRulesCheck(problems).check(appeals, regimes, rules, denialList);
            if (problems.isEmpty()) {
                return knowledge;
            }
        }
        throw new KnowledgeException(problems);
    }

    private JsonNode read(PathMatchingResourcePatternResolver resolver, String location) {
        Resource resource = resolver.getResource(location.replace("classpath*:", "classpath:"));
        if (!resource.exists()) {
            problems.add(location.substring(location.lastIndexOf('/') + 1) + ": file is missing");
            return null;
        }
        JsonNode node = tree(resource);
        if (node != null) {
            String name = resource.getFilename();
            if (!node.path("version").canConvertToInt() || node.path("version").asInt() < 1) {
                problems.add(name + ": needs a version (a whole number from 1)");
            } else {
                versions.put(name, node.path("version").asInt());
            }
        }
        return node;
    }

    private JsonNode tree(Resource resource) {
        try (InputStream in = resource.getInputStream()) {
            return yaml.readTree(in);
        } catch (IOException e) {
            problems.add(resource.getFilename() + ": not valid YAML (" + e.getMessage().split("\n")[0] + ")");
            return null;
        }
    }

    private <T> T convert(JsonNode node, Class<T> type, String where) {
        try {
            return yaml.treeToValue(node, type);
        } catch (JsonMappingException e) {
            problems.add(where + path(e) + ": " + e.getOriginalMessage().split("\n")[0]);
            return null;
        } catch (IOException | IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage().split("\n")[0]);
            return null;
        }
    }

    /** Where in the file a binding failed, e.g. " regimes[9].kind". */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? " " : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append("[").append(r.getIndex()).append("]");
            }
        }
        return path.toString();
    }

    private <T> List<T> list(JsonNode file, String field, Class<T> type, String where) {
        List<T> out = new ArrayList<>();
        if (file == null) {
            return out;
        }
        int i = 0;
        for (JsonNode item : file.path(field)) {
            T value = convert(item, type, where + " " + field + "[" + i++ + "]");
            if (value != null) {
                out.add(value);
            }
        }
        return out;
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

    /** Every regime names known rule sets and zones; every recognition entry is sourced and says what it means. */
    private void checkRegimes(RegimeRules r, JurisdictionRules rules, Map<String, List<String>> systems) {
        String at = "regimes.yaml";
        zone(at + " defaultZone", r.defaultZone() == null ? null : r.defaultZone().zone());
        Set<String> states = new HashSet<>();
        for (RegimeRules.StateInfo s : r.states()) {
            require(s.state() != null && STATE.matcher(s.state()).matches(), at + " states: '" + s.state() + "' is not a two-letter code");
            require(states.add(s.state()), at + " states: " + s.state() + " appears twice");
            zone(at + " states " + s.state(), s.zone());
            for (RegulatorKind kind : s.candidates() == null ? r.otherStateCandidates() : s.candidates()) {
                require(r.regime(kind, s.state()).isPresent(), at + " states " + s.state() + ": candidate " + kind.code()
                        + " has no entry under regimes");
            }
        }
        Set<String> regimeKeys = new HashSet<>();
        for (RegimeRules.Regime regime : r.regimes()) {
            String where = at + " regimes " + regime.kind().code() + (regime.state() == null ? "" : " " + regime.state());
            require(regimeKeys.add(where), where + ": appears twice");
            require(regime.kind().federal() == (regime.state() == null),
                    where + ": federal regimes take no state, state regimes need one");
            require(!regime.rules().isEmpty(), where + ": names no rule sets");
            regime.rules().forEach(id -> require(rules.ruleSet(id).isPresent(), where + ": unknown rule set " + id));
        }
        RegimeRules.Floors floors = r.stateFloors();
        require(floors != null, at + ": needs stateFloors");
        if (floors != null) {
            floors.rules().forEach(id -> require(rules.ruleSet(id).isPresent(), at + " stateFloors: unknown rule set " + id));
            sourced(at + " stateFloors", floors.source(), floors.verification());
        }
        r.decidingFacts().forEach(f -> require(f.between().size() >= 2 && f.fact() != null && !f.fact().isBlank(),
                at + " decidingFacts: each needs two or more groups and a fact"));
        require(r.stateFact() != null && !r.stateFact().isBlank(), at + ": needs a stateFact");
        for (RegimeRules.TypeCode c : r.typeCodes()) {
            String where = at + " typeCodes " + c.system() + "|" + c.code();
            require(systems.containsKey(c.system()), where + ": unknown system '" + c.system() + "'");
            require(c.kinds().isEmpty() != (c.outOfScope() == null), where + ": needs either kinds or outOfScope");
            sourced(where, c.source(), c.verification());
        }
        for (RegimeRules.Keyword k : r.keywords()) {
            String where = at + " keywords " + k.words();
            require(!k.words().isEmpty() && k.words().stream().noneMatch(String::isBlank), where + ": needs words");
            require(k.kinds().isEmpty() != (k.outOfScope() == null), where + ": needs either kinds or outOfScope");
            sourced(where, k.source(), k.verification());
        }
    }

    private void zone(String at, String zone) {
        try {
            java.time.ZoneId.of(zone == null ? "" : zone);
        } catch (java.time.DateTimeException e) {
            problems.add(at + ": '" + zone + "' is not a time zone id (e.g. America/Los_Angeles)");
        }
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

    private void compiles(String at, @org.springframework.lang.Nullable String regex) {
        if (regex == null) {
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            problems.add(at + ": pattern does not compile: " + regex);
        }
    }

    private void sourced(String at, String source, String verification) {
        require(source != null && !source.isBlank(), at + ": needs a source");
        require(verification != null && VERIFICATIONS.contains(verification),
                at + ": verification must be one of " + VERIFICATIONS + ", not " + verification);
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
