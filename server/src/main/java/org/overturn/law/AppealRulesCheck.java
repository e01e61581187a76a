package org.overturn.law;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.overturn.criteria.KnowledgeFiles;
import org.overturn.criteria.KnowledgeModel;
import org.jspecify.annotations.Nullable;

/**
 * Checks rebuttals.yaml and external-review.yaml against each other and the rest of the knowledge: every fact sourced
 * and verified, every criterion kind and denial CARC answered by a rebuttal, every regime served by exactly one
 * external-review body whose rule set exists. Problems are added to the loader's list, named by file and entry.
 */
final class AppealRulesCheck {
    private static final Pattern CARC = Pattern.compile("[A-Z]?\\d{1,3}");

    private final List<String> problems;

    AppealRulesCheck(List<String> problems) {
        this.problems = problems;
    }

    void check(AppealRules rules, RegimeRules regimes, JurisdictionRules jurisdictions, List<KnowledgeModel.DenialReason> denials) {
        checkRebuttals(rules, denials);
        checkBodies(rules, regimes, jurisdictions);
        checkAccess(rules.access(), jurisdictions);
    }

    private void checkAccess(AppealRules.AccessLetters access, JurisdictionRules jurisdictions) {
        String file = "access-letters.yaml";
        if (access.stepTherapy() == null || access.expandedAccess() == null || access.clinicalTrial() == null) {
            problems.add(file + ": needs stepTherapy, expandedAccess and clinicalTrial");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (AppealRules.Grounds g : access.stepTherapy().grounds()) {
            String at = file + " stepTherapy " + g.ruleSets();
            require(!g.ruleSets().isEmpty(), at + ": names no rule set");
            for (String id : g.ruleSets()) {
                require(jurisdictions.ruleSet(id).isPresent(), at + ": unknown rule set " + id);
                require(seen.add(id), at + ": rule set " + id + " has grounds twice");
            }
            require(g.law() != null && !g.law().isBlank(), at + ": needs the law");
            require(!g.items().isEmpty(), at + ": needs at least one ground");
            for (int i = 0; i < g.items().size(); i++) {
                sourced(at + " items[" + i + "]", g.items().get(i));
            }
            verified(at, g.source(), g.verification());
        }
        sourced(file + " stepTherapy.selfFunded", access.stepTherapy().selfFunded());
        AppealRules.ExpandedAccess ea = access.expandedAccess();
        require(!ea.requirements().isEmpty(), file + " expandedAccess: needs the requirements");
        for (AppealRules.Requirement r : ea.requirements()) {
            String at = file + " expandedAccess " + r.id();
            require(r.text() != null && !r.text().isBlank(), at + ": needs the requirement's text");
            require(r.shownBy() != null, at + ": needs shownBy (diagnosis, therapies, physician or sponsor)");
            verified(at, r.source(), r.verification());
        }
        for (int i = 0; i < ea.steps().size(); i++) {
            sourced(file + " expandedAccess.steps[" + i + "]", ea.steps().get(i));
        }
        sourced(file + " expandedAccess.cost", ea.cost());
        AppealRules.ClinicalTrial ct = access.clinicalTrial();
        sourced(file + " clinicalTrial.law", ct.law());
        sourced(file + " clinicalTrial.excluded", ct.excluded());
        sourced(file + " clinicalTrial.routineCosts", ct.routineCosts());
        for (int i = 0; i < ct.toObtain().size(); i++) {
            sourced(file + " clinicalTrial.toObtain[" + i + "]", ct.toObtain().get(i));
        }
    }

    private void checkRebuttals(AppealRules rules, List<KnowledgeModel.DenialReason> denials) {
        String file = "rebuttals.yaml";
        AppealRules.AppealPackage p = rules.appealPackage();
        if (p == null) {
            problems.add(file + ": needs a package (expeditedRequest, peerToPeer, physicianAttestation, denialLetter,"
                    + " investigationalCertification, expandedAccessLetter)");
        } else {
            sourced(file + " package.expeditedRequest", p.expeditedRequest());
            sourced(file + " package.peerToPeer", p.peerToPeer());
            sourced(file + " package.physicianAttestation", p.physicianAttestation());
            sourced(file + " package.denialLetter", p.denialLetter());
            sourced(file + " package.investigationalCertification", p.investigationalCertification());
            sourced(file + " package.expandedAccessLetter", p.expandedAccessLetter());
        }
        Set<String> ids = new HashSet<>();
        for (AppealRules.Rebuttal r : rules.rebuttals()) {
            String at = file + " " + r.id();
            require(ids.add(r.id()), file + ": rebuttal id '" + r.id() + "' appears twice");
            require(r.denial() != null && !r.denial().isBlank(), at + ": needs the denial it answers");
            require(!r.evidence().isEmpty(), at + ": needs the evidence that answers the denial");
            r.carc().forEach(c -> require(c != null && CARC.matcher(c).matches(), at + ": '" + c + "' is not a CARC code"));
            verified(at, r.source(), r.verification());
        }
        for (KnowledgeModel.Kind kind : KnowledgeModel.Kind.values()) {
            long entries = rules.rebuttals().stream().filter(r -> r.kinds().contains(kind)).count();
            require(entries == 1, file + ": criterion kind " + kind + " needs exactly one rebuttal, not " + entries);
        }
        long fallbacks = rules.rebuttals().stream().filter(AppealRules.Rebuttal::isFallback).count();
        require(fallbacks == 1, file + ": exactly one rebuttal must be the fallback, not " + fallbacks);
        for (KnowledgeModel.DenialReason d : denials) {
            require(rules.rebuttals().stream().anyMatch(r -> r.carc().contains(d.carc())),
                    file + ": no rebuttal lists CARC " + d.carc() + ", which denial-reasons.yaml gives for " + d.kind());
        }
    }

    private void checkBodies(AppealRules rules, RegimeRules regimes, JurisdictionRules jurisdictions) {
        String file = "external-review.yaml";
        for (int i = 0; i < rules.commonEnclosures().size(); i++) {
            sourced(file + " commonEnclosures[" + i + "]", rules.commonEnclosures().get(i));
        }
        Set<String> ids = new HashSet<>();
        for (AppealRules.ExternalReviewBody b : rules.bodies()) {
            String at = file + " " + b.id();
            require(ids.add(b.id()), file + ": body id '" + b.id() + "' appears twice");
            require(b.body() != null && !b.body().isBlank(), at + ": needs the body's name");
            require(b.ruleSet() != null && jurisdictions.ruleSet(b.ruleSet()).isPresent(), at + ": unknown rule set " + b.ruleSet());
            require(!b.regimes().isEmpty(), at + ": serves no regime");
            for (AppealRules.RegimeRef r : b.regimes()) {
                require(r.kind() != null && r.kind().federal() == (r.state() == null),
                        at + ": regime " + r + ": federal regimes take no state, state regimes need one");
            }
            require(!b.contacts().isEmpty(), at + ": needs at least one contact");
            for (KnowledgeModel.Contact c : b.contacts()) {
                require(c.value() != null && !c.value().isBlank(), at + " contact " + c.what() + ": needs a value");
                verified(at + " contact " + c.what(), c.source(), c.verification());
            }
            sourced(at + " appliesWhen", b.appliesWhen());
            sourced(at + " form", b.form());
            sourced(at + " filingRoute", b.filingRoute());
            sourced(at + " fileableWhen", b.fileableWhen());
            sourced(at + " expeditedRoute", b.expeditedRoute());
            optional(at + " fee", b.fee());
            optional(at + " binding", b.binding());
            optional(at + " experimental", b.experimental());
            for (int i = 0; i < b.enclosures().size(); i++) {
                sourced(at + " enclosures[" + i + "]", b.enclosures().get(i));
            }
            verified(at, b.source(), b.verification());
        }
        for (RegimeRules.Regime regime : regimes.regimes()) {
            long serving = rules.bodies().stream().filter(b -> b.serves(regime.kind(), regime.state())).count();
            require(serving == 1, file + ": regime " + regime.kind().code() + (regime.state() == null ? "" : " " + regime.state())
                    + " of regimes.yaml needs exactly one external-review body, not " + serving);
        }
    }

    private void optional(String at, KnowledgeModel.@Nullable Sourced fact) {
        if (fact != null) {
            sourced(at, fact);
        }
    }

    private void sourced(String at, KnowledgeModel.@Nullable Sourced fact) {
        if (fact == null || fact.text() == null || fact.text().isBlank()) {
            problems.add(at + ": is missing");
            return;
        }
        verified(at, fact.source(), fact.verification());
    }

    private void verified(String at, @Nullable String source, @Nullable String verification) {
        KnowledgeFiles.checkSourced(problems, at, source, verification);
    }

    private void require(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
