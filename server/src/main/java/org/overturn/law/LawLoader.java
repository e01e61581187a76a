package org.overturn.law;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeException;
import org.overturn.criteria.KnowledgeFiles;
import org.overturn.criteria.KnowledgeLoader;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.jspecify.annotations.Nullable;

/**
 * Loads the law files from the knowledge root (jurisdictions.yaml, regimes.yaml, rebuttals.yaml, external-review.yaml,
 * access-letters.yaml) and checks them against each other and against the coverage knowledge they answer (its code
 * systems and denial reasons). As with {@link KnowledgeLoader}, problems are collected, not thrown one by one, so a
 * broken file set is reported in one {@link KnowledgeException}.
 */
public final class LawLoader {
    private static final Pattern STATE = Pattern.compile("[A-Z]{2}");

    private final Knowledge knowledge;
    private final List<String> problems = new ArrayList<>();

    LawLoader(Knowledge knowledge) {
        this.knowledge = knowledge;
    }

    /** Loads from {@code classpath:knowledge/}; throws {@link KnowledgeException} listing every problem. */
    public static Law load(Knowledge knowledge) {
        return new LawLoader(knowledge).loadFrom(new PathMatchingResourcePatternResolver(), "classpath*:" + KnowledgeLoader.ROOT);
    }

    Law loadFrom(PathMatchingResourcePatternResolver resolver, String root) {
        KnowledgeFiles files = new KnowledgeFiles(resolver, root, problems);
        JsonNode jurisdictions = files.read(JurisdictionRulesReader.FILE);
        JurisdictionRules rules = jurisdictions == null ? null
                : new JurisdictionRulesReader(problems).read(jurisdictions, files.versions().getOrDefault(JurisdictionRulesReader.FILE, 0));
        JsonNode regimeFile = files.read("regimes.yaml");
        RegimeRules regimes = regimeFile == null ? null : files.convert(regimeFile, RegimeRules.class, "regimes.yaml");
        JsonNode rebuttalFile = files.read("rebuttals.yaml");
        JsonNode externalReviewFile = files.read("external-review.yaml");
        JsonNode accessFile = files.read("access-letters.yaml");
        AppealRules.AccessLettersFile access = accessFile == null ? null
                : files.convert(accessFile, AppealRules.AccessLettersFile.class, "access-letters.yaml");
        AppealRules.RebuttalFile rebuttals = rebuttalFile == null ? null
                : files.convert(rebuttalFile, AppealRules.RebuttalFile.class, "rebuttals.yaml");
        AppealRules.ExternalReviewFile externalReview = externalReviewFile == null ? null
                : files.convert(externalReviewFile, AppealRules.ExternalReviewFile.class, "external-review.yaml");
        if (jurisdictions != null && rules != null && regimes != null && rebuttals != null && externalReview != null && access != null) {
            // Cross-checks run even after a parse problem elsewhere, so one start-up names every problem.
            AppealRules appeals = new AppealRules(rebuttals.appealPackage(), rebuttals.rebuttals(),
                    externalReview.commonEnclosures(), externalReview.bodies(),
                    new AppealRules.AccessLetters(access.stepTherapy(), access.expandedAccess(), access.clinicalTrial()));
            checkRegimes(regimes, rules, knowledge.codeSystems());
            new AppealRulesCheck(problems).check(appeals, regimes, rules, knowledge.denialReasons());
            if (problems.isEmpty()) {
                return new Law(jurisdictions, rules, regimes, appeals, files.versions());
            }
        }
        throw new KnowledgeException(problems);
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

    private void zone(String at, @Nullable String zone) {
        try {
            java.time.ZoneId.of(zone == null ? "" : zone);
        } catch (java.time.DateTimeException e) {
            problems.add(at + ": '" + zone + "' is not a time zone id (e.g. America/Los_Angeles)");
        }
    }

    private void sourced(String at, @Nullable String source, @Nullable String verification) {
        KnowledgeFiles.checkSourced(problems, at, source, verification);
    }

    private void require(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
