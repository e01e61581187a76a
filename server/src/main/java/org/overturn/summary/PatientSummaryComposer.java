package org.overturn.summary;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.letter.Letter;
import org.jspecify.annotations.Nullable;

/**
 * Writes the status summary a patient can read: what was asked, what was decided, what happens next and by when, whom
 * to call, and help with costs. Short sentences and everyday words; every sentence cites the record or rule it comes
 * from, and a fact the sources leave unconfirmed says so. Nothing here is inferred beyond the records.
 */
final class PatientSummaryComposer {
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US);
    static final String CHECK = " We could not confirm this yet. Please check it.";

    /** The payer's answer to the request, as far as it has one. */
    sealed interface Decision {}

    record NoAnswer() implements Decision {}

    record Waiting(String ref, List<String> asksFor) implements Decision {
        Waiting {
            asksFor = List.copyOf(asksFor);
        }
    }

    record Approved(String ref, @Nullable LocalDate on, @Nullable String authorization) implements Decision {}

    record Denied(String ref, @Nullable LocalDate on, List<String> reasons) implements Decision {
        Denied {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * A later step of the case (an appeal, an outside review) and where it stands.
     *
     * @param outcome upheld, overturned, partially-overturned, or null while open
     */
    record Step(String ref, String kind, @Nullable LocalDate started, boolean open, @Nullable String outcome, @Nullable LocalDate decided) {}

    /** A date that matters next, with the rule it comes from. */
    record Due(String what, ZonedDateTime by, String citation, boolean doubtful, boolean passed) {}

    /** A number to call, with where it comes from. */
    record Call(String who, String number, @Nullable String note, String source, boolean unverified) {}

    record Input(
            String patientName,
            String patientRef,
            String drug,
            boolean investigational,
            String drugSource,
            @Nullable String condition,
            @Nullable String conditionRef,
            String doctor,
            String claimRef,
            @Nullable LocalDate requested,
            String payer,
            Decision decision,
            List<Step> steps,
            List<Due> next,
            Letter.@Nullable Statement pharmacy,
            List<Call> calls,
            List<KnowledgeModel.CostProgram> programs,
            LocalDate today) {
        Input {
            steps = List.copyOf(steps);
            next = List.copyOf(next);
            calls = List.copyOf(calls);
            programs = List.copyOf(programs);
        }
    }

    Letter compose(Input in) {
        List<Letter.Section> sections = new ArrayList<>();

        List<Letter.Statement> asked = new ArrayList<>();
        List<String> askedCites = new ArrayList<>(List.of(in.claimRef()));
        if (in.conditionRef() != null) {
            askedCites.add(in.conditionRef());
        }
        asked.add(new Letter.Statement((in.requested() == null ? "" : "On " + in.requested().format(DAY) + ", ") + in.doctor() + " asked "
                + in.payer() + " to pay for " + in.drug() + (in.condition() == null ? "." : ". It is for your " + lowerFirst(in.condition()) + "."),
                askedCites));
        if (in.investigational()) {
            asked.add(new Letter.Statement(in.drug() + " is a study drug. The FDA has not approved it yet.", List.of(in.drugSource())));
        }
        sections.add(new Letter.Section("What was asked", asked));

        List<Letter.Statement> decided = new ArrayList<>();
        Decision d = in.decision();
        if (d instanceof NoAnswer) {
            decided.add(new Letter.Statement(in.payer() + " has not answered yet.", List.of(in.claimRef())));
        } else if (d instanceof Waiting w) {
            decided.add(new Letter.Statement(in.payer() + " has not decided yet.", List.of(w.ref())));
            if (!w.asksFor().isEmpty()) {
                decided.add(new Letter.Statement("They asked your doctor for more papers: " + String.join("; ", w.asksFor()) + ".",
                        List.of(w.ref())));
            }
        } else if (d instanceof Approved a) {
            decided.add(new Letter.Statement(in.payer() + " said yes" + on(a.on()) + ". They will pay for " + in.drug() + ".",
                    List.of(a.ref())));
            if (a.authorization() != null) {
                decided.add(new Letter.Statement("The approval number is " + a.authorization() + ". Keep it for your records.",
                        List.of(a.ref())));
            }
        } else if (d instanceof Denied n) {
            decided.add(new Letter.Statement(in.payer() + " said no" + on(n.on()) + ". This is called a denial.", List.of(n.ref())));
            for (String reason : n.reasons()) {
                decided.add(new Letter.Statement("The reason they gave: \"" + reason + "\"", List.of(n.ref())));
            }
            decided.add(new Letter.Statement("You have the right to ask them to look again. This is called an appeal.", List.of(n.ref())));
        }
        for (Step s : in.steps()) {
            decided.add(new Letter.Statement(stepLine(s, in), List.of(s.ref())));
        }
        sections.add(new Letter.Section("What was decided", decided));

        List<Letter.Statement> next = new ArrayList<>();
        for (Due due : in.next()) {
            next.add(new Letter.Statement(due.what() + " " + due.by().format(DAY) + "." + (due.passed() ? " That date has passed." : "")
                    + (due.doubtful() ? CHECK : ""), List.of(due.citation())));
        }
        if (in.pharmacy() != null) {
            next.add(in.pharmacy());
        }
        if (next.isEmpty()) {
            next.add(new Letter.Statement("There is no date to meet right now. We will tell you when that changes.", List.of(in.claimRef())));
        }
        sections.add(new Letter.Section("What happens next, and by when", next));

        List<Letter.Statement> calls = new ArrayList<>();
        for (Call c : in.calls()) {
            calls.add(new Letter.Statement(c.who() + ": " + c.number() + (c.note() == null ? "" : " (" + c.note() + ")") + "."
                    + (c.unverified() ? CHECK : ""), List.of(c.source())));
        }
        calls.add(new Letter.Statement("The number for your health plan is also on the back of your insurance card.", List.of()));
        sections.add(new Letter.Section("Who to call", calls));

        List<Letter.Statement> costs = new ArrayList<>();
        for (KnowledgeModel.CostProgram p : in.programs()) {
            StringBuilder line = new StringBuilder(p.name()).append(": ").append(String.join(". ", p.offers())).append(".");
            if (p.eligibility() != null) {
                line.append(" ").append(p.eligibility()).append(".");
            }
            String unverifiedMark = " (" + KnowledgeModel.UNVERIFIED + ")";
            if (p.restrictions() != null) {
                // Doubt is said in words a patient reads (CHECK), never as our verification mark.
                line.append(" ").append(p.restrictions().replace(unverifiedMark, "")).append(".");
            }
            p.contacts().forEach(c -> line.append(" Phone: ").append(c.value()).append("."));
            if (KnowledgeModel.UNVERIFIED.equals(p.verification()) || (p.restrictions() != null && p.restrictions().contains(unverifiedMark))) {
                line.append(CHECK);
            }
            costs.add(new Letter.Statement(line.toString(), List.of(p.source())));
        }
        if (costs.isEmpty()) {
            costs.add(new Letter.Statement("We have no programs on file that help pay for " + in.drug() + ". Ask your care team about"
                    + " help with costs.", List.of()));
        }
        sections.add(new Letter.Section("Help with costs", costs));

        return new Letter("Your request for " + in.drug() + ": where things stand", in.today().format(DAY), List.of(in.patientName()),
                List.of("About: " + in.drug() + ", asked of " + in.payer()), "Dear " + in.patientName() + ",", sections, List.of(),
                List.of(), List.of("This summary was made from your records on " + in.today().format(DAY) + ".",
                        "Each line shows where it came from, so your care team can check it."));
    }

    private static String stepLine(Step s, Input in) {
        String started = s.started() == null ? "" : " on " + s.started().format(DAY);
        if (s.open()) {
            return "Your doctor started " + s.kind() + started + ". There is no answer yet.";
        }
        String when = s.decided() == null ? "" : " On " + s.decided().format(DAY) + ",";
        if ("overturned".equals(s.outcome())) {
            return "Your doctor asked for " + s.kind() + started + "." + when + " the decision was changed. " + in.payer() + " will pay.";
        }
        if ("partially-overturned".equals(s.outcome())) {
            return "Your doctor asked for " + s.kind() + started + "." + when + " the decision was changed in part.";
        }
        if ("upheld".equals(s.outcome())) {
            return "Your doctor asked for " + s.kind() + started + "." + when + " the answer was still no.";
        }
        return "Your doctor asked for " + s.kind() + started + ". This step has ended.";
    }

    private static String on(@Nullable LocalDate date) {
        return date == null ? "" : " on " + date.format(DAY);
    }

    private static String lowerFirst(String s) {
        boolean acronym = s.length() > 1 && Character.isUpperCase(s.charAt(1));
        return s.isEmpty() || acronym ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
