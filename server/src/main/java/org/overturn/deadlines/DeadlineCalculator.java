package org.overturn.deadlines;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.overturn.deadlines.DeadlineSchedule.Gap;
import org.overturn.law.JurisdictionRules;
import org.overturn.law.JurisdictionRules.Clock;
import org.overturn.law.JurisdictionRules.MonthEnd;
import org.overturn.law.JurisdictionRules.Option;
import org.overturn.law.JurisdictionRules.RuleDuration;
import org.overturn.law.JurisdictionRules.RuleSet;
import org.overturn.law.JurisdictionRules.Verification;
import org.overturn.law.Law;
import org.overturn.law.RegimeRules;
import org.overturn.law.RegulatorKind;
import org.jspecify.annotations.Nullable;

/**
 * Computes legal deadlines from the rules of jurisdictions.yaml, never from guesses.
 *
 * <p>Time: hours are exact elapsed time from the event instant. Days, calendar days, business days and months count
 * local dates in the regime's zone (the state's zone from regimes.yaml; for federal regimes the patient's state's, or
 * the default America/New_York, whose end of day comes first in the continental US): the event's local date is day 0,
 * and the deadline is the end of the last day, 23:59:59 local time. Business days skip Saturdays and Sundays only; the
 * file names no holidays. Months are calendar months: the same day number that many months later; when that month has
 * no such day, the last day of the shorter month (Jan 31 + 1 month = Feb 28 or 29), unless the clock says
 * {@code ifNoSuchDay: firstDayOfNextMonth}, as the federal external-review window does (45 CFR 147.136(d)(2)(i): Oct 30
 * + 4 months = Mar 1).
 *
 * <p>Rules: a regime's rule sets are searched in order for the step's clocks; a state regime without a clock for the
 * step falls back to the federal floor (regimes.yaml stateFloors), marked UNVERIFIED because the state may set a
 * shorter clock. A clock whose sources disagree uses its earliest value. Nothing is resolved silently: every deadline
 * keeps its rule, source and verification, and every such choice is in its notes.
 */
public final class DeadlineCalculator {
    private static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59);

    private final JurisdictionRules rules;
    private final RegimeRules regimes;

    public DeadlineCalculator(Law law) {
        this.rules = law.jurisdictions();
        this.regimes = law.regimes();
    }

    /** The deadlines of {@code step} under one regime. */
    public DeadlineSchedule compute(Regime regime, Instant event, Step step, Urgency urgency) {
        return compute(RegimeCandidates.of(regime), event, step, urgency);
    }

    /**
     * The deadlines of {@code step} under every candidate regime, with the fact that would decide between them when
     * there are several. {@code event} is the step's starting event (see {@link Step}).
     */
    public DeadlineSchedule compute(RegimeCandidates candidates, Instant event, Step step, Urgency urgency) {
        List<Deadline> deadlines = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        if (candidates.unsupported() != null) {
            gaps.add(new Gap(null, candidates.unsupported()));
        } else if (candidates.candidates().isEmpty()) {
            gaps.add(new Gap(null, "no candidate regime"));
        }
        for (Regime regime : candidates.regimes()) {
            compute(regime, event, step, urgency, deadlines, gaps);
        }
        return new DeadlineSchedule(deadlines, gaps, decidingFact(candidates.regimes()));
    }

    private void compute(Regime regime, Instant event, Step step, Urgency urgency, List<Deadline> out, List<Gap> gaps) {
        ZoneId zone = zone(regime);
        Optional<RegimeRules.Regime> entry = regimes.regime(regime.kind(), regime.state());
        List<String> own = entry.map(RegimeRules.Regime::rules).orElse(List.of());
        List<String> floors = regime.kind().federal() ? List.of() : regimes.stateFloors().rules();
        List<String> unstated = new ArrayList<>();
        if (entry.isEmpty()) {
            unstated.add("The rules file has no rules for " + regime + ".");
        }
        for (boolean floor : new boolean[] {false, true}) {
            for (String id : floor ? floors : own) {
                RuleSet set = rules.ruleSet(id).orElseThrow();
                for (String name : step.clocks(urgency)) {
                    Clock clock = set.clock(name).orElse(null);
                    if (clock == null) {
                        continue;
                    }
                    if (!clock.stated()) {
                        unstated.add(id + " " + name + " has no value" + (clock.notes().isEmpty() ? "." : ": " + String.join(" ", clock.notes())));
                        continue;
                    }
                    out.add(deadline(regime, event, step, urgency, zone, clock, floor, own, unstated));
                    // A <clock>Cap is an outer limit that runs beside the clock (e.g. 2 business days, at most 72 h).
                    set.clock(name + "Cap").filter(Clock::stated).ifPresent(cap ->
                            out.add(deadline(regime, event, step, urgency, zone, cap, floor, own, unstated)));
                    return;
                }
            }
        }
        String reason = "The rules file sets no " + String.join(" or ", step.clocks(urgency)) + " for " + regime
                + (unstated.isEmpty() ? "." : ". " + String.join(" ", unstated));
        gaps.add(new Gap(regime, reason));
    }

    private Deadline deadline(
            Regime regime, Instant event, Step step, Urgency urgency, ZoneId zone, Clock clock, boolean floor,
            List<String> own, List<String> unstated) {
        Option chosen = clock.options().stream()
                .min(Comparator.comparing(o -> due(event, o.duration(), o.ifNoSuchDay(), zone)))
                .orElseThrow();
        List<String> notes = new ArrayList<>(clock.notes());
        missingDay(event, chosen, zone).ifPresent(notes::add);
        if (clock.options().size() > 1) {
            notes.add("Sources disagree; the earliest is used: " + clock.options().stream()
                    .map(o -> o.duration() + " (" + o.source() + ")").collect(Collectors.joining(", ")) + ".");
        }
        if (floor) {
            notes.add("No clock for this step in " + (own.isEmpty() ? "the state's rules" : String.join(", ", own))
                    + "; the federal floor of " + clock.ruleSet() + " applies (" + regimes.stateFloors().source()
                    + "), and the state may set a shorter one.");
        }
        notes.addAll(unstated);
        Verification verification = floor || !unstated.isEmpty()
                ? clock.verification().weakest(Verification.UNVERIFIED)
                : clock.verification();
        return new Deadline(regime, step, urgency, step.kind(), due(event, chosen.duration(), chosen.ifNoSuchDay(), zone), zone,
                clock.ruleSet(), clock.name(), chosen.duration(), chosen.source(), rules.version(), verification, notes);
    }

    /** The last instant still in time: see the class comment for how each unit counts. */
    static Instant due(Instant event, RuleDuration duration, MonthEnd ifNoSuchDay, ZoneId zone) {
        if (duration.unit() == JurisdictionRules.Unit.HOURS) {
            return event.plus(Duration.ofHours(duration.value()));
        }
        LocalDate start = event.atZone(zone).toLocalDate();
        LocalDate last = switch (duration.unit()) {
            case DAYS, CALENDAR_DAYS -> start.plusDays(duration.value());
            case BUSINESS_DAYS -> plusBusinessDays(start, duration.value());
            case MONTHS -> plusMonths(start, duration.value(), ifNoSuchDay);
            case HOURS -> throw new IllegalStateException("hours are handled above");
        };
        return last.atTime(END_OF_DAY).atZone(zone).toInstant();
    }

    /**
     * The same day number {@code months} later. Where that month is too short, {@code plusMonths} gives its last day;
     * a clock that counts to the first day of the next month moves one day on from there.
     */
    private static LocalDate plusMonths(LocalDate start, int months, MonthEnd ifNoSuchDay) {
        LocalDate same = start.plusMonths(months);
        boolean missing = same.getDayOfMonth() != start.getDayOfMonth();
        return missing && ifNoSuchDay == MonthEnd.FIRST_DAY_OF_NEXT_MONTH ? same.plusDays(1) : same;
    }

    /** Says so when a month clock's last month has no day with the starting day's number and the rule moved the day. */
    private static Optional<String> missingDay(Instant event, Option option, ZoneId zone) {
        if (option.duration().unit() != JurisdictionRules.Unit.MONTHS || option.ifNoSuchDay() != MonthEnd.FIRST_DAY_OF_NEXT_MONTH) {
            return Optional.empty();
        }
        LocalDate start = event.atZone(zone).toLocalDate();
        LocalDate same = start.plusMonths(option.duration().value());
        if (same.getDayOfMonth() == start.getDayOfMonth()) {
            return Optional.empty();
        }
        return Optional.of("There is no " + month(same) + " " + start.getDayOfMonth() + ", " + same.getYear() + ", so the last day is the"
                + " first day of the following month, " + month(same.plusDays(1)) + " 1, " + same.plusDays(1).getYear() + " ("
                + option.source() + ").");
    }

    private static String month(LocalDate date) {
        return date.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
    }

    private static LocalDate plusBusinessDays(LocalDate start, int days) {
        LocalDate date = start;
        for (int counted = 0; counted < days; ) {
            date = date.plusDays(1);
            if (date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY) {
                counted++;
            }
        }
        return date;
    }

    /** The zone days are counted in: the state's, or the default when the state is unknown or not listed. */
    ZoneId zone(Regime regime) {
        String zone = regime.state() == null ? null
                : regimes.state(regime.state()).map(RegimeRules.StateInfo::zone).orElse(null);
        return ZoneId.of(zone == null ? regimes.defaultZone().zone() : zone);
    }

    /** Which facts would decide between the candidates; null when there is nothing to decide. */
    private @Nullable String decidingFact(List<Regime> candidates) {
        Set<RegulatorKind> kinds = candidates.stream().map(Regime::kind).collect(Collectors.toSet());
        List<String> facts = new ArrayList<>();
        for (RegimeRules.DecidingFact fact : regimes.decidingFacts()) {
            long groups = fact.between().stream().filter(g -> g.stream().anyMatch(kinds::contains)).count();
            if (groups >= 2) {
                facts.add(fact.fact());
            }
        }
        Set<String> states = new LinkedHashSet<>();
        candidates.stream().filter(r -> !r.kind().federal()).forEach(r -> states.add(String.valueOf(r.state())));
        if (states.size() > 1) {
            facts.add(regimes.stateFact());
        }
        if (facts.isEmpty()) {
            return null;
        }
        String joined = facts.stream().map(DeadlineCalculator::lowerFirst).collect(Collectors.joining("; "));
        return joined.substring(0, 1).toUpperCase(Locale.ROOT) + joined.substring(1);
    }

    private static String lowerFirst(String s) {
        boolean word = s.length() > 1 && Character.isLowerCase(s.charAt(1));
        return word ? s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1) : s;
    }
}
