package org.overturn.appeals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.DocumentReference;
import org.overturn.assessment.Assessment;
import org.overturn.cases.PaCase;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.trials.TrialQuery;
import org.overturn.trials.TrialRegistry;
import org.overturn.trials.TrialSearch;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.deadlines.Regime;
import org.overturn.deadlines.RegimeCandidates;
import org.overturn.deadlines.Step;
import org.overturn.deadlines.Urgency;
import org.overturn.law.Law;
import org.overturn.law.RegimeRules;
import org.overturn.letter.AccessLetterComposer;
import org.overturn.letter.Letter;
import org.overturn.letter.LetterDocuments;
import org.overturn.platform.Canonical;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;

/**
 * The access letters of {@code Claim/$generate-letter}: {@code step-therapy-exception} (the state's override law
 * and its response clock, from the regime of the Claim's Coverage), and for investigational drugs
 * {@code expanded-access} and {@code clinical-trial-routine-costs}. Each is stored as a DocumentReference (Markdown and
 * PDF) with a Provenance.
 */
final class AccessLetterService {
    private final ResourceStore store;
    private final CaseLaw cases;
    private final AccessLetterComposer letters;
    private final Knowledge knowledge;
    private final TrialRegistry registry;

    AccessLetterService(ResourceStore store, CaseLaw cases, AccessLetterComposer letters, Knowledge knowledge, TrialRegistry registry) {
        this.store = store;
        this.cases = cases;
        this.letters = letters;
        this.knowledge = knowledge;
        this.registry = registry;
    }

    /** @param kind one of the three access letters (the others are not this service's: a programming error) */
    DocumentReference generate(String claimId, CaseLetters.Kind kind, Urgency urgency) {
        Claim claim = (Claim) store.read("Claim", claimId).content();
        PaCase c = cases.cases().readClaim(claim);
        Assessment assessment = cases.assessKnownDrug(c, "");
        Instant now = cases.now();
        Letter letter;
        if (kind == CaseLetters.Kind.STEP_THERAPY_EXCEPTION) {
            RegimeCandidates regimes = cases.regimes(c);
            DeadlineSchedule decision = cases.deadlines(regimes, now, Step.STEP_THERAPY_EXCEPTION_DECISION, urgency);
            ZoneId zone = decision.actOn().map(Deadline::zone).orElse(ZoneId.of("America/New_York"));
            letter = letters.stepTherapyException(input(c, assessment, LocalDate.ofInstant(now, zone)), laws(regimes),
                    decision.actOn().orElse(null), decision.decidingFact());
        } else if (kind == CaseLetters.Kind.EXPANDED_ACCESS) {
            if (assessment.drug().get().approved()) {
                throw new OverturnException(ErrorCode.BUSINESS_RULE, assessment.drug().get().displayName() + " is FDA-approved;"
                        + " expanded access is for investigational drugs (ask for kind medical-necessity or appeal instead)", "kind");
            }
            letter = letters.expandedAccess(input(c, assessment, LocalDate.ofInstant(now, ZoneId.of("America/New_York"))),
                    trials(assessment.drug().get()));
        } else if (kind == CaseLetters.Kind.CLINICAL_TRIAL_ROUTINE_COSTS) {
            letter = letters.clinicalTrialRoutineCosts(input(c, assessment, LocalDate.ofInstant(now, ZoneId.of("America/New_York"))),
                    assessment.drug().get().approved() ? null : trials(assessment.drug().get()));
        } else {
            throw new IllegalArgumentException("not an access letter: " + kind);
        }
        Date date = Date.from(now);
        DocumentReference doc = LetterDocuments.document(letter, kind.document(), c.patientRef(), c.prescriberRef(), List.of(c.claimRef()), date);
        return store.inTransaction(() -> {
            StoredResource stored = store.create(doc, null).stored();
            Set<String> sources = new LinkedHashSet<>(List.of(c.claimRef(), c.patientRef(), "Coverage/" + c.coverage().getIdElement().getIdPart()));
            assessment.evaluation().ifPresent(e -> e.results().forEach(r -> sources.addAll(r.evidence())));
            assessment.chart().conditions().forEach(x -> sources.add(x.getIdElement().toUnqualifiedVersionless().getValue()));
            assessment.chart().medicationStatements().forEach(x -> sources.add(x.getIdElement().toUnqualifiedVersionless().getValue()));
            // the law's files, then the coverage knowledge's: each versions its own
            List<String> policies = new ArrayList<>(cases.policies(List.of("access-letters.yaml", "jurisdictions.yaml")));
            policies.add(Canonical.BASE + "/knowledge/drugs.yaml|" + knowledge.fileVersions().getOrDefault("drugs.yaml", 0));
            store.create(LetterDocuments.provenance(List.of(stored.versionedReference()), sources, policies, date), null);
            return (DocumentReference) stored.resource();
        });
    }

    /** The registry's open studies of the drug, by every name drugs.yaml knows it by (an answer even when the registry is down). */
    private TrialSearch trials(KnowledgeModel.Drug drug) {
        return registry.search(new TrialQuery(drug.names(), null));
    }

    private static AccessLetterComposer.Input input(PaCase c, Assessment assessment, LocalDate today) {
        return new AccessLetterComposer.Input(assessment, c.order(), c.prescriber(), today);
    }

    /** The step-therapy law of each candidate regime, as jurisdictions.yaml names it. */
    private List<AccessLetterComposer.RegimeLaw> laws(RegimeCandidates regimes) {
        List<AccessLetterComposer.RegimeLaw> out = new ArrayList<>();
        Law law = cases.law();
        for (Regime regime : regimes.regimes()) {
            if (regime.kind().federal()) {
                out.add(new AccessLetterComposer.RegimeLaw(regime.toString(), null, null, null, false));
                continue;
            }
            String ruleSet = law.regimes().regime(regime.kind(), regime.state()).map(RegimeRules.Regime::rules)
                    .filter(r -> !r.isEmpty()).map(r -> r.get(0)).orElse(null);
            var step = ruleSet == null ? null : law.jurisdiction(ruleSet).map(j -> j.path("stepTherapy")).orElse(null);
            String statute = step == null || !step.hasNonNull("law") ? null : step.path("law").asText();
            String source = step == null || !step.hasNonNull("source") ? null
                    : step.path("source").asText() + ("verified".equals(step.path("verification").asText()) ? ""
                            : " (" + step.path("verification").asText() + ")");
            boolean deemed = step != null && step.path("deemedGrantedIfNoResponse").asBoolean(false);
            out.add(new AccessLetterComposer.RegimeLaw(regime.toString(), ruleSet, statute, source, deemed));
        }
        return out;
    }
}
