package org.overturn.letter;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.deadlines.Deadline;
import org.overturn.law.AppealRules;
import org.overturn.law.Law;
import org.jspecify.annotations.Nullable;

/**
 * Writes the external-review packet: which body reviews the final denial under the case's regime, its form and how to
 * reach it, the filing deadline and decision clocks with their rules, the expedited route, when the case becomes
 * fileable if the plan has not yet decided, and what to enclose. Every fact comes from external-review.yaml or
 * jurisdictions.yaml and says how far it is verified.
 */
public final class ExternalReviewPacketComposer {
    private final Knowledge knowledge;
    private final Law law;

    public ExternalReviewPacketComposer(Knowledge knowledge, Law law) {
        this.knowledge = knowledge;
        this.law = law;
    }

    /** Another body that would review the case under another candidate regime, with its filing deadline there. */
    public record Alternative(String regime, AppealRules.ExternalReviewBody body, @Nullable Deadline filing) {}

    /**
     * @param finalDenial when the plan upheld its denial on the last internal appeal; null while it has not
     * @param appealDecision the plan's decision clock on the open appeal, when the case is not yet fileable
     * @param appealLetter the appeal letter's DocumentReference, when there is one
     * @param stateBasis the state whose law was taken to govern the plan and the fact it came from, in plain words
     */
    public record Input(
            Patient patient,
            @Nullable String memberId,
            String drug,
            boolean investigational,
            String payer,
            String denial,
            String appealTask,
            @Nullable String appealLetter,
            List<String> decisionDocuments,
            @Nullable ZonedDateTime finalDenial,
            String appealStatus,
            @Nullable Deadline appealDecision,
            String regime,
            AppealRules.ExternalReviewBody body,
            @Nullable Deadline filing,
            @Nullable Deadline decisionStandard,
            @Nullable Deadline decisionExpedited,
            boolean expedited,
            List<Alternative> alternatives,
            @Nullable String decidingFact,
            List<String> gaps,
            @Nullable Practitioner prescriber,
            LocalDate today,
            @Nullable String stateBasis) {
        public Input {
            decisionDocuments = List.copyOf(decisionDocuments);
            alternatives = List.copyOf(alternatives);
            gaps = List.copyOf(gaps);
        }
    }

    public Letter packet(Input in) {
        AppealRules.ExternalReviewBody body = in.body();
        String patientName = PersonNames.of(in.patient().getNameFirstRep());
        String patientRef = in.patient().getIdElement().toUnqualifiedVersionless().getValue();
        List<Letter.Section> sections = new ArrayList<>();
        List<Letter.Missing> missing = new ArrayList<>();

        // 1. Whether it can be filed now
        List<Letter.Statement> status = new ArrayList<>();
        if (in.finalDenial() != null) {
            status.add(new Letter.Statement(in.payer() + " upheld its denial of " + in.drug() + " on internal appeal on "
                    + in.finalDenial().format(AppealLetterComposer.LONG_DATE) + ": the case can now go to " + body.process()
                    + ".", List.of(in.appealTask(), in.denial())));
        } else {
            status.add(new Letter.Statement("Not yet fileable: no decision of " + in.payer() + " on the internal appeal is"
                    + " recorded (the appeal is '" + in.appealStatus() + "').", List.of(in.appealTask())));
            status.add(new Letter.Statement("It becomes fileable: " + lowerFirst(body.fileableWhen().text()) + mark(body.fileableWhen())
                    + ".", AppealLetterComposer.cite(body.fileableWhen())));
            if (in.appealDecision() != null) {
                Deadline d = in.appealDecision();
                status.add(new Letter.Statement(in.payer() + " must decide the appeal within " + AppealLetterComposer.human(d.duration())
                        + " of receiving it (by " + d.localDue().format(AppealLetterComposer.DUE) + " if it was received when the"
                        + " appeal was prepared)" + AppealLetterComposer.doubt(d) + ".", List.of(d.citation())));
            }
            status.add(new Letter.Statement("When the plan decides, record its answer on " + in.appealTask() + " (status"
                    + " completed, businessStatus upheld or overturned, output the decision) and prepare this packet again to"
                    + " get the filing deadline.", List.of()));
        }
        sections.add(new Letter.Section("Status", status));

        // 2. Which body reviews: every candidate body with the fact that makes it the one, and where the state came from
        sections.add(new Letter.Section("Which body reviews the denial", whoReviews(in)));

        // 3. Where and how
        List<Letter.Statement> where = new ArrayList<>();
        where.add(new Letter.Statement("Reviewing body: " + body.body() + ", " + body.process() + ".",
                List.of(body.source() + verification(body.verification()))));
        where.add(new Letter.Statement("Form: " + body.form().text() + mark(body.form()) + ".", AppealLetterComposer.cite(body.form())));
        where.add(new Letter.Statement("How to file: " + body.filingRoute().text() + mark(body.filingRoute()) + ".",
                AppealLetterComposer.cite(body.filingRoute())));
        for (KnowledgeModel.Contact c : body.contacts()) {
            where.add(new Letter.Statement(capitalize(c.what()) + ": " + c.value()
                    + (KnowledgeModel.UNVERIFIED.equals(c.verification()) ? " (UNVERIFIED)" : "") + ".",
                    List.of(c.source() + verification(c.verification()))));
        }
        if (body.fee() != null) {
            where.add(new Letter.Statement("Fee: " + body.fee().text() + mark(body.fee()) + ".", AppealLetterComposer.cite(body.fee())));
        }
        if (body.binding() != null) {
            where.add(new Letter.Statement("Effect: " + body.binding().text() + mark(body.binding()) + ".", AppealLetterComposer.cite(body.binding())));
        }
        sections.add(new Letter.Section("Where and how to file", where));

        // 4. Deadlines
        List<Letter.Statement> deadlines = new ArrayList<>();
        if (in.filing() != null) {
            Deadline f = in.filing();
            deadlines.add(new Letter.Statement("File by " + f.localDue().format(AppealLetterComposer.DUE) + ": "
                    + AppealLetterComposer.human(f.duration()) + " from the final internal denial" + AppealLetterComposer.doubt(f) + ".",
                    List.of(f.citation())));
            deadlines.addAll(AppealLetterComposer.notes(f));
        } else if (in.finalDenial() == null) {
            deadlines.add(new Letter.Statement("The filing deadline counts from the plan's final internal denial, which has not"
                    + " happened yet.", List.of()));
        }
        for (Deadline d : new Deadline[] {in.decisionStandard(), in.decisionExpedited()}) {
            if (d != null) {
                deadlines.add(new Letter.Statement("The reviewer decides " + (d.urgency().name().equals("EXPEDITED") ? "an expedited" : "a standard")
                        + " review within " + AppealLetterComposer.human(d.duration()) + " of receiving the request"
                        + AppealLetterComposer.doubt(d) + ".", List.of(d.citation())));
            }
        }
        if (in.decidingFact() != null) {
            deadlines.add(new Letter.Statement("Which law governs the plan is not certain (" + lowerFirst(in.decidingFact())
                    + "); the earliest deadline of the possible regimes is used.", List.of()));
        }
        in.gaps().forEach(g -> deadlines.add(new Letter.Statement("No deadline could be computed: " + g, List.of())));
        sections.add(new Letter.Section("Deadlines", deadlines));

        // 5. Expedited route
        List<Letter.Statement> expedited = new ArrayList<>();
        expedited.add(new Letter.Statement(body.expeditedRoute().text() + mark(body.expeditedRoute()) + ".",
                AppealLetterComposer.cite(body.expeditedRoute())));
        if (in.expedited()) {
            expedited.add(new Letter.Statement("The internal appeal was expedited; ask for the expedited route here too if the"
                    + " urgency continues.", List.of(in.appealTask())));
        }
        sections.add(new Letter.Section("Expedited review", expedited));

        // 6. Investigational drugs
        if (in.investigational() && body.experimental() != null) {
            List<Letter.Statement> experimental = new ArrayList<>();
            experimental.add(new Letter.Statement(body.experimental().text() + mark(body.experimental()) + ".",
                    AppealLetterComposer.cite(body.experimental())));
            sections.add(new Letter.Section("Experimental or investigational denials", experimental));
        }

        // What to enclose, in order
        List<String> enclosures = new ArrayList<>();
        enclosures.add("Completed form: " + body.form().text() + mark(body.form()));
        enclosures.add("The payer's denial (" + in.denial() + ")");
        in.decisionDocuments().forEach(d -> enclosures.add("The plan's decision on the internal appeal (" + d + ")"));
        if (in.finalDenial() != null && in.decisionDocuments().isEmpty()) {
            enclosures.add("The plan's written decision upholding the denial (not yet on file)");
            missing.add(new Letter.Missing("The plan's written decision on the internal appeal",
                    "attach the plan's letter, or record it as an output of " + in.appealTask()));
        }
        if (in.appealLetter() != null) {
            enclosures.add("The internal appeal letter (" + in.appealLetter() + ")");
        }
        law.appeals().commonEnclosures().forEach(e -> enclosures.add(e.text() + mark(e)));
        body.enclosures().forEach(e -> enclosures.add(e.text() + mark(e)));
        if (in.investigational()) {
            AppealRules.AppealPackage pkg = law.appeals().appealPackage();
            enclosures.add(pkg.investigationalCertification().text() + " (not yet on file)");
            enclosures.add(pkg.expandedAccessLetter().text() + " (not yet on file)");
            missing.add(new Letter.Missing(pkg.investigationalCertification().text(), "the treating physician writes and signs it"));
        }
        missing.forEach(m -> enclosures.add("REQUIRED, not yet on file: " + m.item()));

        List<String> regarding = new ArrayList<>();
        regarding.add("Patient: " + patientName + (in.patient().hasBirthDateElement()
                ? ", DOB " + in.patient().getBirthDateElement().getValueAsString() : "") + " (" + patientRef + ")");
        if (in.memberId() != null) {
            regarding.add("Member ID: " + in.memberId());
        }
        regarding.add("Denied: " + in.drug() + " by " + in.payer() + " (" + in.denial() + ")");
        regarding.add("Internal appeal: " + in.appealStatus());
        List<String> signature = new ArrayList<>();
        signature.add("Prepared for " + patientName + " and the treating physician");
        signature.addAll(AppealLetterComposer.signature(in.prescriber()));
        List<String> processes = new ArrayList<>(List.of(body.process()));
        in.alternatives().stream().map(a -> a.body().process()).filter(p -> !processes.contains(p)).forEach(processes::add);
        return LetterPublisher.publish(new Letter("External Review Packet: " + String.join(" or ", processes),
                in.today().format(AppealLetterComposer.LONG_DATE), List.of(body.body(), body.process()), regarding,
                "What to file, where, and by when:", sections, enclosures, missing, signature), knowledge::publicCitation);
    }

    /**
     * Every body that may review the denial, the one whose filing date comes first listed first, each with the fact
     * that would make it the right one; the date to meet is the earliest of theirs until the plan says which applies.
     */
    private static List<Letter.Statement> whoReviews(Input in) {
        List<Letter.Statement> who = new ArrayList<>();
        if (in.alternatives().isEmpty()) {
            who.add(new Letter.Statement(in.body().body() + " (" + in.body().process() + ") reviews the denial: "
                    + in.body().appliesWhen().text() + ".", AppealLetterComposer.cite(in.body().appliesWhen())));
        } else {
            who.add(new Letter.Statement("Which body reviews this denial depends on "
                    + (in.decidingFact() == null ? "facts about the plan that are not on file" : lowerFirst(in.decidingFact()))
                    + ". Each body that may be the one is listed with the fact that makes it so; ask the plan, or check the"
                    + " plan documents, to learn which applies.", List.of()));
            who.add(candidate(in.body(), in.filing()));
            in.alternatives().forEach(a -> who.add(candidate(a.body(), a.filing())));
            if (in.filing() != null) {
                who.add(new Letter.Statement("Until it is known which body applies, file by "
                        + in.filing().localDue().format(AppealLetterComposer.LONG_DATE) + ", the earliest of these dates.",
                        List.of(in.filing().citation())));
            } else {
                who.add(new Letter.Statement("Once the plan decides the internal appeal, the earliest of the bodies' filing"
                        + " dates is the one to meet.", List.of()));
            }
        }
        if (in.stateBasis() != null) {
            who.add(new Letter.Statement("State whose law governs the plan: " + in.stateBasis() + ".", List.of()));
        }
        return who;
    }

    private static Letter.Statement candidate(AppealRules.ExternalReviewBody body, @Nullable Deadline filing) {
        String phone = body.contacts().stream().filter(c -> c.what().startsWith("phone")).map(KnowledgeModel.Contact::value)
                .findFirst().orElse("");
        List<String> citations = new ArrayList<>(AppealLetterComposer.cite(body.appliesWhen()));
        if (filing != null) {
            citations.add(filing.citation());
        }
        return new Letter.Statement(body.body() + " (" + body.process() + ") if " + body.appliesWhen().text()
                + (filing == null ? "" : "; file by " + filing.localDue().format(AppealLetterComposer.LONG_DATE))
                + (phone.isEmpty() ? "" : "; phone " + phone) + ".", citations);
    }

    private static String mark(KnowledgeModel.Sourced fact) {
        return KnowledgeModel.UNVERIFIED.equals(fact.verification()) ? " (UNVERIFIED)" : "";
    }

    private static String verification(String verification) {
        return KnowledgeModel.VERIFIED.equals(verification) ? "" : " (" + verification + ")";
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String lowerFirst(String s) {
        return AppealLetterComposer.lowerFirst(s);
    }
}
