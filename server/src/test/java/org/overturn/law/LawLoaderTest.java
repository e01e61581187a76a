package org.overturn.law;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeException;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.law.JurisdictionRules.RuleDuration;
import org.overturn.law.JurisdictionRules.Unit;
import org.overturn.law.JurisdictionRules.Verification;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The shipped law files load and are consistent with each other and the coverage knowledge; a broken set is refused
 * with every problem named. The broken sets are checked against the shipped knowledge, which loads.
 */
class LawLoaderTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();

    @Test
    void loadWhenShippedFilesThenClocksRegimesAndAppealRulesResolveAndUnverifiedFactsStayMarked() {
        Law law = LawLoader.load(KNOWLEDGE);
        // State rules: the statute's clock, with the seed's conflicting figure only noted
        var dmhc = law.jurisdiction("CA-DMHC").orElseThrow();
        assertThat(dmhc.path("externalReview").path("decisionStandard").path("value").asInt()).isEqualTo(30);
        assertThat(dmhc.path("rxPriorAuth").path("standard").path("value").asInt()).isEqualTo(72);
        assertThat(law.jurisdiction("GA-OCI").orElseThrow().path("externalReview").path("filingWindowVerification").asText())
                .isEqualTo("CONFLICT-UNVERIFIED");
        assertThat(law.jurisdiction("ERISA-2560.503-1")).isPresent();
        // Typed clocks: each carries its own verification, resolved from the file's <prefix>Verification fields
        JurisdictionRules rules = law.jurisdictions();
        JurisdictionRules.Clock dmhcFiling = clock(rules, "CA-DMHC", "internalAppeal.filingWindow");
        assertThat(dmhcFiling.options()).extracting(JurisdictionRules.Option::duration)
                .containsExactly(new RuleDuration(180, Unit.DAYS));
        assertThat(dmhcFiling.verification()).isEqualTo(Verification.UNVERIFIED);
        assertThat(clock(rules, "CA-DMHC", "internalAppeal.decisionUrgent").verification()).isEqualTo(Verification.VERIFIED);
        assertThat(clock(rules, "OH-ODI", "externalReview.decisionStandard").verification()).isEqualTo(Verification.CONFLICT_UNVERIFIED);
        assertThat(clock(rules, "OH-ODI", "externalReview.decisionStandard").options()).extracting(JurisdictionRules.Option::duration)
                .containsExactly(new RuleDuration(45, Unit.DAYS), new RuleDuration(30, Unit.DAYS));
        assertThat(clock(rules, "OH-ODI", "priorAuth.urgent").options().get(0).duration()).isEqualTo(new RuleDuration(48, Unit.HOURS));
        assertThat(clock(rules, "OH-ODI", "externalReview.decisionExpedited").verification()).isEqualTo(Verification.SECONDARY);
        assertThat(clock(rules, "FL-DFS", "externalReview.decisionExpedited").verification())
                .isEqualTo(Verification.CONFLICT_UNVERIFIED);
        assertThat(clock(rules, "NY-DFS", "internalAppeal.decisionUrgent").options().get(0).duration())
                .isEqualTo(new RuleDuration(2, Unit.BUSINESS_DAYS));
        JurisdictionRules.Clock gaFiling = clock(rules, "GA-OCI", "externalReview.filingWindow");
        assertThat(gaFiling.options()).extracting(JurisdictionRules.Option::duration).containsExactly(
                new RuleDuration(120, Unit.DAYS), new RuleDuration(60, Unit.DAYS), new RuleDuration(4, Unit.MONTHS));
        assertThat(gaFiling.verification()).isEqualTo(Verification.CONFLICT_UNVERIFIED);
        assertThat(clock(rules, "ACA-147.136", "externalReviewFederal.filingWindow").options().get(0).ifNoSuchDay())
                .isEqualTo(JurisdictionRules.MonthEnd.FIRST_DAY_OF_NEXT_MONTH);
        assertThat(clock(rules, "NY-DFS", "externalReview.filingWindow").options().get(0).ifNoSuchDay())
                .isEqualTo(JurisdictionRules.MonthEnd.LAST_DAY_OF_MONTH);
        JurisdictionRules.Clock txUrgent = clock(rules, "TX-TDI", "internalAppeal.decisionUrgent");
        assertThat(txUrgent.stated()).isFalse();
        assertThat(txUrgent.notes()).anyMatch(n -> n.contains("UNVERIFIED"));
        assertThat(law.fileVersions()).containsKeys("jurisdictions.yaml", "regimes.yaml");
        assertThat(law.regimes().candidatesIn("CA"))
                .containsExactly(RegulatorKind.CA_DMHC, RegulatorKind.CA_CDI, RegulatorKind.ERISA_SELF_FUNDED);
        assertThat(law.regimes().candidatesIn("GA"))
                .containsExactly(RegulatorKind.STATE_INSURANCE_DEPARTMENT, RegulatorKind.ERISA_SELF_FUNDED);
        // Appeals: each denial is answered by the rebuttal of its criterion kind, else its words, else its CARC code
        AppealRules appeals = law.appeals();
        assertThat(appeals.rebuttal(KnowledgeModel.Kind.PRIOR_THERAPY, "anything", "272").id()).isEqualTo("step-therapy");
        assertThat(appeals.rebuttal(null, "Step therapy required: try crizotinib first", "272").id()).isEqualTo("step-therapy");
        assertThat(appeals.rebuttal(null, "Not covered", "56").id()).isEqualTo("experimental-investigational");
        assertThat(appeals.rebuttal(null, "Denied", "272").id()).isEqualTo("coverage-guideline");
        assertThat(appeals.rebuttal(null, "Denied", null).isFallback()).isTrue();
        // ... and every regime has the body that reviews its final denials, with UNVERIFIED marks kept
        var dmhcImr = appeals.body(RegulatorKind.CA_DMHC, "CA").orElseThrow();
        assertThat(dmhcImr.contacts()).anyMatch(c -> c.value().equals("1-888-466-2219"));
        assertThat(dmhcImr.binding().verification()).isEqualTo("UNVERIFIED");
        assertThat(appeals.body(RegulatorKind.STATE_INSURANCE_DEPARTMENT, "OH").orElseThrow().contacts())
                .anyMatch(c -> c.value().equals("1-800-686-1526"));
        assertThat(appeals.body(RegulatorKind.ERISA_SELF_FUNDED, "GA").orElseThrow().id()).isEqualTo("federal-external-review");
        assertThat(appeals.body(RegulatorKind.STATE_INSURANCE_DEPARTMENT, "WY")).isEmpty();
        assertThat(law.fileVersions()).containsKeys("rebuttals.yaml", "external-review.yaml", "access-letters.yaml");
        // Access letters: California's step-therapy grounds come only from the guides, so they stay UNVERIFIED
        assertThat(appeals.access().grounds("CA-DMHC").orElseThrow().items()).allMatch(i -> i.verification().equals("UNVERIFIED"));
        assertThat(appeals.access().grounds("GA-OCI")).isEmpty();
        assertThat(appeals.access().clinicalTrial().law().verification()).isEqualTo("verified");
    }

    @Test
    void loadWhenARegulatorKindIsMisspelledThenFilePathAndValueAreNamed() {
        KnowledgeException e = org.junit.jupiter.api.Assertions.assertThrows(KnowledgeException.class,
                () -> new LawLoader(KNOWLEDGE).loadFrom(new PathMatchingResourcePatternResolver(), "classpath*:knowledge-typo/"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("regimes.yaml regimes[10].kind:") && p.contains("erisa-self-fundd"));
    }

    @Test
    void loadWhenReferencesAndValuesAreWrongThenEveryProblemIsListedInOneMessage() {
        KnowledgeException e = org.junit.jupiter.api.Assertions.assertThrows(KnowledgeException.class,
                () -> new LawLoader(KNOWLEDGE).loadFrom(new PathMatchingResourcePatternResolver(), "classpath*:knowledge-broken/"));
        assertThat(e.problems()).anyMatch(p -> p.contains("unit 'fortnights'"));
        // jurisdiction clocks: file and path named
        assertThat(e.problems()).anyMatch(p -> p.startsWith("jurisdictions.yaml ACA-147.136.externalReviewFederal.filingWindow: unit 'fortnights'"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("jurisdictions.yaml ERISA-2560.503-1.initialDecision.preService:")
                && p.contains("positive whole number") && p.contains("-15"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("jurisdictions.yaml CA-DMHC.stepTherapy.responseStandard: needs a verification"));
        assertThat(e.problems()).anyMatch(p -> p.equals("jurisdictions.yaml NY-DFS: needs a source"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("jurisdictions.yaml GA-OCI.externalReview.filingWindowVerification: 'CONFLICT-MAYBE'"));
        assertThat(e.problems()).anyMatch(p -> p.equals("jurisdictions.yaml GA-OCI.externalReview.filingWindowCandidates[1]: needs a source"));
        assertThat(e.problems()).anyMatch(p -> p.equals("jurisdictions.yaml ACA-147.136.externalReviewFederal.decisionStandard:"
                + " ifNoSuchDay applies only to a clock in months, not days"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("jurisdictions.yaml ACA-147.136.stateProcessMinimum.filingWindow:"
                + " ifNoSuchDay 'lastDayOrSo' must be one of") && p.contains("firstDayOfNextMonth"));
        // regimes
        assertThat(e.problems()).anyMatch(p -> p.equals("regimes.yaml regimes state-insurance-department GA: unknown rule set GA-OIC"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("regimes.yaml states OH: 'America/Columbus' is not a time zone id"));
        assertThat(e.problems()).anyMatch(p -> p.contains("regimes.yaml typeCodes actcode-typo|POS: unknown system 'actcode-typo'"));
        assertThat(e.problems()).anyMatch(p -> p.equals("regimes.yaml keywords [indemnity]: needs either kinds or outOfScope"));
        // appeal rules: rebuttals and external-review bodies, named by file and entry
        assertThat(e.problems()).anyMatch(p -> p.equals("rebuttals.yaml biomarker-missing: needs a source"));
        assertThat(e.problems()).anyMatch(p -> p.equals("rebuttals.yaml: criterion kind PRIOR_THERAPY needs exactly one rebuttal, not 2"));
        assertThat(e.problems()).anyMatch(p -> p.equals("external-review.yaml oh-odi-external-review: unknown rule set OH-OID"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("external-review.yaml ca-dmhc-imr contact TDD: verification must be one of")
                && p.contains("likely"));
        assertThat(e.problems()).anyMatch(p -> p.equals(
                "external-review.yaml: regime state-insurance-department GA of regimes.yaml needs exactly one external-review body, not 2"));
        assertThat(e.problems()).anyMatch(p -> p.equals("access-letters.yaml stepTherapy [TX-TID]: unknown rule set TX-TID"));
        assertThat(e.getMessage()).startsWith("The knowledge files are inconsistent");
    }

    private static JurisdictionRules.Clock clock(JurisdictionRules rules, String ruleSet, String name) {
        return rules.ruleSet(ruleSet).orElseThrow().clock(name).orElseThrow();
    }
}
