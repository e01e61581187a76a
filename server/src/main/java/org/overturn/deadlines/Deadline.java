package org.overturn.deadlines;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.overturn.law.JurisdictionRules.RuleDuration;
import org.overturn.law.JurisdictionRules.Verification;

/**
 * One legal deadline and everything needed to cite it: the regime it comes from, the rule set and clock of
 * jurisdictions.yaml ({@code ruleId}, {@code clock}), the source that rule cites, the file version, and how far the
 * rule is verified. A doubtful verification (UNVERIFIED, CONFLICT-UNVERIFIED) must be shown wherever this is used.
 *
 * @param due the last instant that is still in time
 * @param zone the zone in which days were counted (the regime's state, or the documented default)
 * @param notes why the value may be wrong or was chosen: disputed values, federal floors, the file's own notes
 */
public record Deadline(
        Regime regime,
        Step step,
        Urgency urgency,
        Kind kind,
        Instant due,
        ZoneId zone,
        String ruleId,
        String clock,
        RuleDuration duration,
        String source,
        int rulesVersion,
        Verification verification,
        List<String> notes) {

    /** A deadline the patient must meet, or a clock the payer or reviewer must meet. */
    public enum Kind {
        FILING,
        DECISION
    }

    public Deadline {
        notes = List.copyOf(notes);
    }

    public ZonedDateTime localDue() {
        return due.atZone(zone);
    }

    /** "CA-DMHC internalAppeal.filingWindow (180 days), jurisdictions.yaml v2: <source>". */
    public String citation() {
        return ruleId + " " + clock + " (" + duration + "), jurisdictions.yaml v" + rulesVersion + ": " + source;
    }
}
