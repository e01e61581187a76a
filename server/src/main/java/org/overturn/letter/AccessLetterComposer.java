package org.overturn.letter;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.overturn.assessment.Assessment;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.deadlines.Deadline;
import org.overturn.evidence.FactExtractor;
import org.overturn.law.AppealRules;
import org.overturn.law.Law;
import org.overturn.trials.Trial;
import org.overturn.trials.TrialSearch;
import org.jspecify.annotations.Nullable;

/**
 * The access letters of {@code Claim/$generate-letter}: a step-therapy exception request under the state's override
 * law, a single-patient expanded-access request to the sponsor of an investigational drug (the FDA requirements as a
 * checklist against the chart, Form FDA 3926 and the steps), and a request that the plan cover the routine costs of a
 * clinical trial (PHS Act section 2709). Facts come from the chart or access-letters.yaml, each cited; what the chart
 * lacks is listed as still to obtain.
 */
public final class AccessLetterComposer {
    private static final String ECOG = "89247-1";

    private final Knowledge knowledge;
    private final Law law;
    private final FactExtractor facts;

    public AccessLetterComposer(Knowledge knowledge, Law law, FactExtractor facts) {
        this.knowledge = knowledge;
        this.law = law;
        this.facts = facts;
    }

    /** The case a letter is about: the assessment of the chart against the payer's policy, the order, the prescriber. */
    public record Input(
            Assessment assessment, @Nullable MedicationRequest order, @Nullable Practitioner prescriber, LocalDate today) {}

    /**
     * The step-therapy law of one candidate regime.
     *
     * @param ruleSet the regime's first rule set of jurisdictions.yaml; null for a federal regime
     * @param law the law as jurisdictions.yaml names it, when it names one
     */
    public record RegimeLaw(String regime, @Nullable String ruleSet, @Nullable String law, @Nullable String lawSource, boolean deemedGranted) {}

    public Letter stepTherapyException(Input in, List<RegimeLaw> laws, @Nullable Deadline decision, @Nullable String decidingFact) {
        Parts p = parts(in);
        AppealRules.AccessLetters access = this.law.appeals().access();
        List<KnowledgeModel.Drug> steps = stepDrugs(in);
        String stepNames = steps.isEmpty() ? "the plan's required drug" : String.join(" or ", steps.stream().map(KnowledgeModel.Drug::displayName).toList());

        List<Letter.Statement> request = new ArrayList<>();
        request.add(new Letter.Statement("On behalf of my patient, " + p.patientName + p.born + ", I request an exception to "
                + p.payer + "'s step-therapy requirement, so that " + p.drug.displayName() + " is covered without first trying "
                + stepNames + ".", List.of(p.patientRef)));
        p.sections.add(new Letter.Section("Request", request));

        List<Letter.Statement> law = new ArrayList<>();
        for (RegimeLaw r : laws) {
            if (r.ruleSet() == null) {
                law.add(new Letter.Statement("Under " + r.regime() + ": " + access.stepTherapy().selfFunded().text() + ".",
                        AppealLetterComposer.cite(access.stepTherapy().selfFunded())));
                continue;
            }
            Optional<AppealRules.Grounds> grounds = access.grounds(r.ruleSet());
            String name = grounds.map(AppealRules.Grounds::law).orElse(r.law() == null ? "the state's step-therapy law" : r.law());
            if (grounds.isPresent()) {
                List<String> items = grounds.get().items().stream()
                        .map(i -> i.text() + (KnowledgeModel.UNVERIFIED.equals(i.verification()) ? " (UNVERIFIED)" : "")).toList();
                law.add(new Letter.Statement("Under " + r.regime() + ", " + name + " provides for an exception when "
                        + String.join("; ", items) + ".", List.of(grounds.get().source() + mark(grounds.get().verification()))));
            } else {
                law.add(new Letter.Statement("Under " + r.regime() + " the step-therapy law is " + name + "; the grounds it"
                        + " sets are not confirmed in the rules on file.", r.lawSource() == null ? List.of() : List.of(r.lawSource())));
            }
            if (r.deemedGranted()) {
                law.add(new Letter.Statement("If the plan does not answer in time, the exception is deemed granted.",
                        r.lawSource() == null ? List.of() : List.of(r.lawSource())));
            }
        }
        if (decision != null) {
            law.add(new Letter.Statement(p.payer + " must answer this request within " + AppealLetterComposer.human(decision.duration())
                    + " of receiving it" + AppealLetterComposer.doubt(decision) + ".", List.of(decision.citation())));
        }
        if (decidingFact != null) {
            law.add(new Letter.Statement("Which law governs the plan is not certain (" + AppealLetterComposer.lowerFirst(decidingFact)
                    + "); the shortest clock of the possible regimes is given.", List.of()));
        }
        p.sections.add(new Letter.Section("The law", law));

        List<Letter.Statement> grounds = new ArrayList<>();
        for (KnowledgeModel.Drug step : steps) {
            List<ChartFacts.TherapyFact> tried = p.chart.therapies().stream().filter(t -> t.drugIds().contains(step.id())).toList();
            for (ChartFacts.TherapyFact t : tried) {
                grounds.add(new Letter.Statement(step.displayName() + " was given" + dates(t)
                        + (t.stopReason() == null ? ", with no reason for stopping recorded" : " and stopped: " + t.stopReason()) + ".",
                        List.of(t.reference())));
                p.records.put(t.reference(), "treatment record, " + t.text());
                if (t.stopReason() == null) {
                    p.missing("Why " + step.displayName() + " was stopped (failure, intolerance or other), with the date",
                            "from the treating team's notes");
                }
            }
            if (tried.isEmpty()) {
                grounds.add(new Letter.Statement("The chart records no trial of " + step.displayName() + "; the reason it is"
                        + " contraindicated or expected to be ineffective is listed as still to obtain.", List.of()));
                p.missing("Dated record of " + step.displayName() + " with the reason it was stopped, or the contraindication",
                        "from the treating physician (contraindication, prior failure or intolerance elsewhere)");
            }
        }
        if (steps.isEmpty()) {
            grounds.add(new Letter.Statement("The payer's policy on file names no step drug; the plan's required drug and why it"
                    + " does not suit my patient are listed as still to obtain.", List.of()));
            p.missing("The drug the plan requires first, and why it does not suit the patient", "from the plan's denial or formulary");
        }
        p.sections.add(new Letter.Section("Grounds in the chart", grounds));
        clinical(p);
        literature(p);
        return p.letter("Request for Step-Therapy Exception: " + p.drug.displayName(), List.of(p.payer, "Prior Authorization and Exceptions"),
                "Request: step-therapy exception for " + p.drug.displayName(), "To the reviewer:");
    }

    /** @param trials the registry search for the drug; null when none was made */
    public Letter expandedAccess(Input in, @Nullable TrialSearch trials) {
        Parts p = parts(in);
        AppealRules.ExpandedAccess ea = this.law.appeals().access().expandedAccess();
        String sponsor = p.drug.sponsor() == null ? "the sponsor" : p.drug.sponsor();
        List<Letter.Statement> request = new ArrayList<>();
        request.add(new Letter.Statement("I request that " + sponsor + " provide " + p.drug.displayName() + " for single-patient"
                + " expanded access (compassionate use) for my patient (initials " + initials(in.assessment().chart().patient())
                + p.born + "), and support the request to FDA.", List.of(p.patientRef)));
        request.add(new Letter.Statement(p.drug.displayName() + " is investigational and not FDA-approved. The routes to it are: "
                + String.join("; ", p.drug.accessRoutes()) + ".", List.of(p.drug.source())));
        p.sections.add(new Letter.Section("Request", request));

        List<Letter.Statement> checklist = new ArrayList<>();
        for (AppealRules.Requirement r : ea.requirements()) {
            List<String> cites = new ArrayList<>(List.of(r.source()));
            String shown;
            switch (r.shownBy()) {
                case DIAGNOSIS -> {
                    shown = p.chart.conditions().isEmpty() ? "no active diagnosis is recorded; to obtain"
                            : "the chart records " + String.join("; ", p.chart.conditions().stream().map(ChartFacts.ConditionFact::text).toList());
                    p.chart.conditions().forEach(c -> {
                        cites.add(c.reference());
                        p.records.put(c.reference(), "diagnosis, " + c.text());
                    });
                    if (p.chart.conditions().isEmpty()) {
                        p.missing("Pathology and staging showing the diagnosis", "from the treating team");
                    }
                }
                case THERAPIES -> {
                    shown = p.chart.therapies().isEmpty() ? "no prior therapy is recorded; to obtain"
                            : "therapies tried: " + String.join("; ", p.chart.therapies().stream()
                                    .map(t -> t.text() + (t.stopReason() == null ? "" : " (stopped: " + t.stopReason() + ")")).toList());
                    p.chart.therapies().forEach(t -> {
                        cites.add(t.reference());
                        p.records.put(t.reference(), "treatment record, " + t.text());
                    });
                    List<String> untried = untriedAlternatives(in, p.chart);
                    if (!untried.isEmpty()) {
                        shown += "; not tried: " + String.join(", ", untried);
                        p.missing("Why " + String.join(", ", untried) + " would not be suitable", "the treating physician states it");
                    }
                }
                case PHYSICIAN -> {
                    shown = "to be stated by the treating physician";
                    p.missing("The treating physician's statement that the potential benefit justifies the risks", "the treating"
                            + " physician writes and signs it");
                }
                case SPONSOR -> shown = "for " + sponsor + " to confirm";
                default -> shown = "";
            }
            checklist.add(new Letter.Statement(r.text() + ": " + shown + mark(r.verification()) + ".", cites));
        }
        p.sections.add(new Letter.Section("FDA requirements for single-patient expanded access", checklist));

        List<Letter.Statement> steps = new ArrayList<>();
        int n = 0;
        for (KnowledgeModel.Sourced step : ea.steps()) {
            steps.add(new Letter.Statement((++n) + ". " + step.text() + mark(step) + ".", AppealLetterComposer.cite(step)));
        }
        steps.add(new Letter.Statement("Cost: " + ea.cost().text() + mark(ea.cost()) + ".", AppealLetterComposer.cite(ea.cost())));
        p.sections.add(new Letter.Section("Steps", steps));
        trials(p, trials, false);
        clinical(p);
        literature(p);
        p.extraEnclosures.add("Form FDA 3926, completed and signed (REQUIRED, not yet on file)");
        p.extraEnclosures.add("IRB approval (REQUIRED, not yet on file)");
        p.missing("Form FDA 3926, completed and signed", "the treating physician completes it once the sponsor agrees");
        p.missing("IRB approval", "from the institution's IRB");
        return p.letter("Request for Single-Patient Expanded Access: " + p.drug.displayName(),
                List.of(sponsor, "Medical Affairs, expanded access requests"), "Request: single-patient expanded access to "
                        + p.drug.displayName(), "To the " + sponsor + " medical affairs team:", true);
    }

    /** @param trials the registry search for the drug; null when none was made */
    public Letter clinicalTrialRoutineCosts(Input in, @Nullable TrialSearch trials) {
        Parts p = parts(in);
        AppealRules.ClinicalTrial ct = this.law.appeals().access().clinicalTrial();
        List<Letter.Statement> request = new ArrayList<>();
        request.add(new Letter.Statement("My patient, " + p.patientName + p.born + ", is to take part in a clinical trial of "
                + p.drug.displayName() + ". I ask " + p.payer + " to cover the routine patient costs of that participation.",
                List.of(p.patientRef)));
        if (!p.drug.approved()) {
            request.add(new Letter.Statement(p.drug.displayName() + " itself is investigational; it is supplied through the trial"
                    + " and is not requested from the plan.", List.of(p.drug.source())));
        }
        p.sections.add(new Letter.Section("Request", request));
        List<Letter.Statement> law = new ArrayList<>();
        law.add(new Letter.Statement(ct.law().text() + ".", AppealLetterComposer.cite(ct.law())));
        law.add(new Letter.Statement(ct.excluded().text() + ".", AppealLetterComposer.cite(ct.excluded())));
        law.add(new Letter.Statement("The routine costs asked for: " + AppealLetterComposer.lowerFirst(ct.routineCosts().text())
                + mark(ct.routineCosts()) + ".", AppealLetterComposer.cite(ct.routineCosts())));
        p.sections.add(new Letter.Section("The law (PHS Act section 2709)", law));
        List<Letter.Statement> qualifies = new ArrayList<>();
        for (ChartFacts.ConditionFact c : p.chart.conditions()) {
            qualifies.add(new Letter.Statement("Diagnosis: " + c.text() + (c.icd10().isEmpty() ? "" : " (ICD-10-CM "
                    + String.join(", ", c.icd10()) + ")") + ".", List.of(c.reference())));
            p.records.put(c.reference(), "diagnosis, " + c.text());
        }
        if (p.chart.conditions().isEmpty()) {
            p.missing("Pathology showing the cancer diagnosis", "from the treating team");
        }
        qualifies.add(new Letter.Statement("The trial's identifier, phase and sponsor, and the patient's enrollment, are not in"
                + " the chart; they are listed as still to obtain.", List.of()));
        ct.toObtain().forEach(t -> p.missing(t.text(), "from the trial site or ClinicalTrials.gov"));
        p.sections.add(new Letter.Section("The patient and the trial", qualifies));
        trials(p, trials, true);
        clinical(p);
        return p.letter("Request for Coverage of Routine Costs in a Clinical Trial: " + p.drug.displayName(),
                List.of(p.payer, "Clinical Trials / Prior Authorization Review"), "Request: routine patient costs in a clinical trial of "
                        + p.drug.displayName(), "To the reviewer:");
    }

    /** What the three letters share: the case, sections being built, records to enclose, documentation to obtain. */
    private final class Parts {
        final Input in;
        final KnowledgeModel.Drug drug;
        final ChartFacts chart;
        final String patientRef;
        final String patientName;
        final String born;
        final String payer;
        final List<Letter.Section> sections = new ArrayList<>();
        final Map<String, String> records = new LinkedHashMap<>();
        final List<Letter.Missing> missing = new ArrayList<>();
        final List<String> literature = new ArrayList<>();
        final List<String> extraEnclosures = new ArrayList<>();

        Parts(Input in) {
            this.in = in;
            this.drug = in.assessment().drug().orElseThrow();
            Patient patient = in.assessment().chart().patient();
            String orderRef = in.order() == null ? null : in.order().getIdElement().toUnqualifiedVersionless().getValue();
            this.chart = facts.facts(in.assessment().chart(), orderRef);
            this.patientRef = patient.getIdElement().toUnqualifiedVersionless().getValue();
            this.patientName = PersonNames.of(patient.getNameFirstRep());
            this.born = patient.hasBirthDateElement() ? ", born " + patient.getBirthDateElement().getValueAsString() : "";
            this.payer = in.assessment().payer().map(KnowledgeModel.Payer::name).orElse(in.assessment().payorOrganization().getName());
        }

        void missing(String item, String how) {
            if (missing.stream().noneMatch(m -> m.item().equals(item))) {
                missing.add(new Letter.Missing(item, how));
            }
        }

        Letter letter(String title, List<String> addressee, String requestLine, String salutation) {
            return letter(title, addressee, requestLine, salutation, false);
        }

        /** @param initialsOnly for a letter outside the plan (a sponsor): the patient by initials, no member id */
        Letter letter(String title, List<String> addressee, String requestLine, String salutation, boolean initialsOnly) {
            List<Letter.Statement> plan = new ArrayList<>();
            if (in.order() != null) {
                String ref = in.order().getIdElement().toUnqualifiedVersionless().getValue();
                String dosing = in.order().getDosageInstruction().stream().map(d -> d.getText()).filter(t -> t != null && !t.isBlank())
                        .reduce((a, b) -> a + "; " + b).orElse(null);
                plan.add(new Letter.Statement("Requested: " + FactExtractor.text(in.order().getMedicationCodeableConcept())
                        + (dosing == null ? "" : ", " + dosing) + ".", List.of(ref)));
                records.put(ref, "the order for " + drug.displayName());
            }
            if (!plan.isEmpty()) {
                sections.add(new Letter.Section("Requested treatment", plan));
            }
            List<String> enclosures = new ArrayList<>();
            records.forEach((ref, label) -> enclosures.add("Medical record: " + label + " (" + ref + ")"));
            enclosures.add("Treating physician's letter (this letter, signed)");
            enclosures.addAll(literature.stream().distinct().toList());
            enclosures.addAll(extraEnclosures);
            missing.stream().filter(m -> extraEnclosures.stream().noneMatch(e -> e.startsWith(m.item())))
                    .forEach(m -> enclosures.add("REQUIRED, not yet on file: " + m.item()));
            List<String> regarding = new ArrayList<>();
            regarding.add("Re: " + (initialsOnly ? "patient " + initials(in.assessment().chart().patient()) : patientName)
                    + (born.isEmpty() ? "" : ", DOB " + born.substring(", born ".length())));
            if (!initialsOnly && in.assessment().coverage().hasSubscriberId()) {
                regarding.add("Member ID: " + in.assessment().coverage().getSubscriberId());
            }
            regarding.add(requestLine);
            return LetterPublisher.publish(new Letter(title, in.today().format(AppealLetterComposer.LONG_DATE), addressee, regarding,
                    salutation, sections, enclosures, missing, AppealLetterComposer.signature(in.prescriber())), knowledge::publicCitation);
        }
    }

    private Parts parts(Input in) {
        return new Parts(in);
    }

    /**
     * The open studies of the drug the registry lists, each with its NCT id, status, phase, sites, contact and link; or
     * that the registry could not be searched, with the search for the sender to repeat. Never fails the letter.
     */
    private void trials(Parts p, @Nullable TrialSearch search, boolean routineCosts) {
        if (search == null) {
            return;
        }
        List<Letter.Statement> out = new ArrayList<>();
        String browse = search.query().browseUrl();
        String what = "studies of " + search.query().interventionExpression() + " that are recruiting, not yet recruiting, enrolling by"
                + " invitation or offering expanded access";
        String toObtain = "Candidate clinical trials or expanded-access programs for " + p.drug.displayName() + " from ClinicalTrials.gov";
        if (search instanceof TrialSearch.Found found) {
            String on = LocalDate.ofInstant(found.searchedAt(), java.time.ZoneOffset.UTC).format(AppealLetterComposer.LONG_DATE);
            if (found.trials().isEmpty()) {
                out.add(new Letter.Statement("A search of ClinicalTrials.gov on " + on + " for " + what + " found none. Search again before"
                        + " sending: " + browse + ".", List.of(browse)));
                p.missing(toObtain + " (none open on " + on + ")", "search " + browse + " again, or ask the sponsor");
            } else {
                out.add(new Letter.Statement("A search of ClinicalTrials.gov on " + on + " for " + what + " found " + found.total()
                        + (found.total() > found.trials().size() ? " (the first " + found.trials().size() + " are listed)" : "") + ":",
                        List.of(browse)));
                for (Trial t : found.trials()) {
                    out.add(new Letter.Statement(trialLine(t), List.of(t.url())));
                }
                found.trials().stream().filter(Trial::expandedAccess).findFirst().ifPresent(t -> out.add(new Letter.Statement(
                        "ClinicalTrials.gov lists an expanded-access program for " + p.drug.displayName() + " (" + t.nctId() + ", "
                                + status(t.status()) + "); ask " + (t.sponsor() == null ? "its sponsor" : t.sponsor())
                                + " whether this patient can be treated under it.", List.of(t.url()))));
                if (routineCosts) {
                    out.add(new Letter.Statement("The trial the patient joins is chosen with the trial site from these; its NCT number,"
                            + " phase and sponsor go with this request.", List.of()));
                }
            }
        } else if (search instanceof TrialSearch.Unavailable unavailable) {
            out.add(new Letter.Statement("ClinicalTrials.gov could not be searched when this letter was written (" + unavailable.reason()
                    + "). Search it before sending: " + browse + ".", List.of(browse)));
            p.missing(toObtain + " (the registry could not be reached)", "search " + browse);
        } else {
            out.add(new Letter.Statement("The ClinicalTrials.gov search is turned off on this server. Search it before sending: "
                    + browse + ".", List.of(browse)));
            p.missing(toObtain, "search " + browse);
        }
        p.sections.add(new Letter.Section("Clinical trials and expanded access on ClinicalTrials.gov", out));
    }

    /** "NCT09990001: title. Recruiting; Phase 2, Phase 3; sponsor Exelixis; sites: ...; contact: ...; link." */
    static String trialLine(Trial t) {
        List<String> parts = new ArrayList<>();
        parts.add(status(t.status()));
        List<String> phases = t.phases().stream().filter(ph -> !ph.equals("NA")).map(AccessLetterComposer::phase).toList();
        if (!phases.isEmpty()) {
            parts.add(String.join(", ", phases));
        }
        if (t.sponsor() != null) {
            parts.add("sponsor " + t.sponsor());
        }
        if (!t.locations().isEmpty()) {
            List<String> sites = t.locations().stream().map(l -> String.join(", ", java.util.stream.Stream.of(l.facility(), l.city(),
                    l.state(), l.country()).filter(x -> x != null && !x.isBlank()).toList())).toList();
            int more = t.locationCount() - t.locations().size();
            parts.add("sites: " + String.join("; ", sites) + (more > 0 ? " (and " + more + " more)" : ""));
        }
        for (Trial.Contact c : t.contacts()) {
            String contact = String.join(", ", java.util.stream.Stream.of(c.name(), c.phone(), c.email())
                    .filter(x -> x != null && !x.isBlank()).toList());
            if (!contact.isEmpty()) {
                parts.add("contact: " + contact);
            }
        }
        return t.nctId() + ": " + t.title() + ". " + String.join("; ", parts) + "; " + t.url() + ".";
    }

    static String status(String code) {
        return switch (code) {
            case "RECRUITING" -> "Recruiting";
            case "NOT_YET_RECRUITING" -> "Not yet recruiting";
            case "ENROLLING_BY_INVITATION" -> "Enrolling by invitation";
            case "AVAILABLE" -> "Expanded access available";
            default -> code.charAt(0) + code.substring(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    private static String phase(String code) {
        return code.equals("EARLY_PHASE1") ? "Early phase 1" : code.replace("PHASE", "Phase ");
    }

    /** Diagnosis, biomarkers, prior therapies and ECOG, each cited and enclosed. */
    private void clinical(Parts p) {
        List<Letter.Statement> summary = new ArrayList<>();
        for (ChartFacts.ConditionFact c : p.chart.conditions()) {
            summary.add(new Letter.Statement("Diagnosis: " + c.text() + (c.icd10().isEmpty() ? "" : " (ICD-10-CM "
                    + String.join(", ", c.icd10()) + ")") + ".", List.of(c.reference())));
            p.records.put(c.reference(), "diagnosis, " + c.text());
        }
        for (ChartFacts.BiomarkerFact b : p.chart.biomarkers()) {
            String label = knowledge.biomarker(b.biomarkerId()).map(KnowledgeModel.Biomarker::label).orElse(b.biomarkerId());
            summary.add(new Letter.Statement(ChartLabels.result(label, b, p.in.assessment().chart()), List.of(b.reference())));
            p.records.put(b.reference(), ChartLabels.report(label, b));
        }
        for (ChartFacts.TherapyFact t : p.chart.therapies()) {
            summary.add(new Letter.Statement("Prior therapy: " + t.text() + dates(t)
                    + (t.stopReason() == null ? "" : "; stopped: " + t.stopReason()) + ".", List.of(t.reference())));
            p.records.put(t.reference(), "treatment record, " + t.text());
        }
        p.chart.observations().stream().filter(o -> o.isFinal() && o.loinc().equals(ECOG)).reduce((a, b) -> b).ifPresent(o -> {
            summary.add(new Letter.Statement("ECOG performance status " + o.value() + ".", List.of(o.reference())));
            p.records.put(o.reference(), o.text());
        });
        if (!summary.isEmpty()) {
            p.sections.add(new Letter.Section("Clinical summary", summary));
        }
    }

    /** The drug's trial evidence and guideline support, each with its source; unconfirmed guidelines to confirm. */
    private void literature(Parts p) {
        List<Letter.Statement> out = new ArrayList<>();
        for (KnowledgeModel.Sourced e : p.drug.evidence()) {
            out.add(new Letter.Statement(e.text() + ".", AppealLetterComposer.cite(e), true));
            if (e.source() != null) {
                p.literature.add("Literature: " + e.source());
            }
        }
        for (KnowledgeModel.Sourced g : p.drug.guidelines()) {
            out.add(new Letter.Statement("Guideline support: " + g.text() + ".", AppealLetterComposer.cite(g), true));
        }
        if (!out.isEmpty()) {
            p.sections.add(new Letter.Section("Evidence", out));
        }
    }

    /** The drugs the payer's policy requires first (its prior-therapy criteria). */
    private List<KnowledgeModel.Drug> stepDrugs(Input in) {
        return policy(in).map(p -> p.criteria().stream().filter(c -> c.kind() == KnowledgeModel.Kind.PRIOR_THERAPY)
                .flatMap(c -> c.drugs().stream()).distinct().map(knowledge::drug).flatMap(Optional::stream).toList())
                .orElse(List.of());
    }

    private List<String> untriedAlternatives(Input in, ChartFacts chart) {
        return stepDrugs(in).stream().filter(d -> chart.therapies().stream().noneMatch(t -> t.drugIds().contains(d.id())))
                .map(KnowledgeModel.Drug::displayName).toList();
    }

    private Optional<KnowledgeModel.Policy> policy(Input in) {
        return in.assessment().evaluation().flatMap(e -> knowledge.policies().stream().filter(p -> p.id().equals(e.policyId())).findFirst());
    }

    private static String dates(ChartFacts.TherapyFact t) {
        return t.start() == null ? "" : ", " + t.start() + (t.end() == null ? "" : " to " + t.end());
    }

    private static String initials(Patient patient) {
        var name = patient.getNameFirstRep();
        String given = name.getGiven().isEmpty() ? "" : name.getGiven().get(0).getValue().substring(0, 1) + ".";
        String family = name.hasFamily() ? name.getFamily().substring(0, 1) + "." : "";
        return (given + family).isEmpty() ? "not recorded" : given + family;
    }

    private static String mark(KnowledgeModel.Sourced fact) {
        return mark(fact.verification());
    }

    private static String mark(@Nullable String verification) {
        return KnowledgeModel.UNVERIFIED.equals(verification) ? " (UNVERIFIED)" : "";
    }
}
