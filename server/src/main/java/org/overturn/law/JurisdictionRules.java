package org.overturn.law;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The clocks of jurisdictions.yaml, typed: every duration has a known unit and a positive whole value, and every clock
 * carries the source it cites and its verification, resolved from the file's conventions (see knowledge/README.md).
 * A clock the file names without a value (sources disagree or are silent) is kept, with its notes, so that callers
 * can say so instead of guessing.
 */
public record JurisdictionRules(int version, Map<String, RuleSet> ruleSets) {

    public JurisdictionRules {
        ruleSets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ruleSets));
    }

    public Optional<RuleSet> ruleSet(String id) {
        return Optional.ofNullable(ruleSets.get(id));
    }

    public Collection<RuleSet> all() {
        return ruleSets.values();
    }

    /** Units as written in the file. */
    public enum Unit {
        HOURS("hours"),
        DAYS("days"),
        CALENDAR_DAYS("calendarDays"),
        BUSINESS_DAYS("businessDays"),
        MONTHS("months");

        private final String label;

        Unit(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Optional<Unit> fromLabel(String label) {
            return Arrays.stream(values()).filter(u -> u.label.equals(label)).findFirst();
        }
    }

    /** How far a fact was checked; UNVERIFIED and CONFLICT_UNVERIFIED must be shown wherever the fact is used. */
    public enum Verification {
        VERIFIED("verified"),
        SECONDARY("secondary"),
        UNVERIFIED("UNVERIFIED"),
        CONFLICT_UNVERIFIED("CONFLICT-UNVERIFIED");

        private final String label;

        Verification(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public boolean doubtful() {
            return this == UNVERIFIED || this == CONFLICT_UNVERIFIED;
        }

        /** The less certain of two. */
        public Verification weakest(Verification other) {
            return other.ordinal() > ordinal() ? other : this;
        }

        public static Optional<Verification> fromLabel(String label) {
            return Arrays.stream(values()).filter(v -> v.label.equals(label)).findFirst();
        }
    }

    public record RuleDuration(int value, Unit unit) {
        public RuleDuration {
            if (value < 1) {
                throw new IllegalArgumentException("a duration needs a positive value, not " + value);
            }
        }

        @Override
        public String toString() {
            return value + " " + unit.label();
        }
    }

    /**
     * What a clock in months ends on when the last month has no day with the starting day's number (Oct 31 + 4 months):
     * the last day of that shorter month (the default, the earlier of the two), or the first day of the month after it,
     * as 45 CFR 147.136(d)(2)(i) counts the federal external-review window. Written {@code ifNoSuchDay} on the clock.
     */
    public enum MonthEnd {
        LAST_DAY_OF_MONTH("lastDayOfMonth"),
        FIRST_DAY_OF_NEXT_MONTH("firstDayOfNextMonth");

        private final String label;

        MonthEnd(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Optional<MonthEnd> fromLabel(String label) {
            return Arrays.stream(values()).filter(m -> m.label.equals(label)).findFirst();
        }
    }

    /** One value a clock may take, with the source that gives it and, for months, how a missing day is counted. */
    public record Option(RuleDuration duration, String source, MonthEnd ifNoSuchDay) {
        public Option(RuleDuration duration, String source) {
            this(duration, source, MonthEnd.LAST_DAY_OF_MONTH);
        }
    }

    /**
     * A named clock of a rule set, e.g. {@code internalAppeal.filingWindow} of {@code CA-DMHC}. Usually one option;
     * several when the sources disagree (the earliest is to be used); none when the file names the clock but has no
     * value for it.
     */
    public record Clock(
            String ruleSet,
            String name,
            List<Option> options,
            Verification verification,
            String source,
            List<String> notes) {
        public Clock {
            options = List.copyOf(options);
            notes = List.copyOf(notes);
        }

        public boolean stated() {
            return !options.isEmpty();
        }
    }

    /** A federal rule set or one state regulator's rules; {@code state} is null for federal ones. */
    public record RuleSet(String id, @Nullable String state, String name, String source, Map<String, Clock> clocks) {
        public RuleSet {
            clocks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clocks));
        }

        public Optional<Clock> clock(String name) {
            return Optional.ofNullable(clocks.get(name));
        }
    }
}
