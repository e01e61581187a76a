package org.overturn.cases;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.StringType;
import org.overturn.deadlines.Deadline;
import org.overturn.deadlines.DeadlineSchedule;
import org.overturn.platform.Canonical;

/**
 * The workflow-deadline extension (defined in fhir-profiles): one computed {@link Deadline} as FHIR, written the same
 * way on appeal and external-review Tasks and on the coverage assessment. It lives here, below the features, because
 * {@code deadlines} knows no FHIR.
 */
public final class DeadlineExtension {
    /** Complex extension: kind, step, urgency, due, from, regime, rule, citation, rulesVersion, verification, actOn, note. */
    public static final String URL = Canonical.BASE + "/StructureDefinition/workflow-deadline";

    private DeadlineExtension() {}

    /** One extension per deadline of the schedule, all counted from {@code from}; the earliest is marked actOn. */
    public static List<Extension> of(DeadlineSchedule schedule, Instant from) {
        Optional<Deadline> actOn = schedule.actOn();
        return schedule.deadlines().stream().map(d -> of(d, from, actOn.isPresent() && actOn.get() == d)).toList();
    }

    /**
     * @param from the event the clock counts from
     * @param actOn whether this is the deadline to act on among its schedule's (the earliest)
     */
    public static Extension of(Deadline d, Instant from, boolean actOn) {
        Extension e = new Extension(URL);
        e.addExtension("kind", new CodeType(d.kind().name().toLowerCase(Locale.ROOT)));
        e.addExtension("step", new CodeType(d.step().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        // Kind and step are the same at both urgencies; only this tells a 24 h urgent clock from a 72 h standard one.
        e.addExtension("urgency", new CodeType(d.urgency().name().toLowerCase(Locale.ROOT)));
        e.addExtension("due", dateTime(d.due(), d.zone()));
        e.addExtension("from", dateTime(from, d.zone()));
        e.addExtension("regime", new StringType(d.regime().toString()));
        e.addExtension("rule", new StringType(d.ruleId() + " " + d.clock()));
        e.addExtension("citation", new StringType(d.citation()));
        e.addExtension("rulesVersion", new IntegerType(d.rulesVersion()));
        e.addExtension("verification", new CodeType(d.verification().label()));
        e.addExtension("actOn", new BooleanType(actOn));
        d.notes().forEach(n -> e.addExtension("note", new StringType(n)));
        return e;
    }

    /** An instant written with the offset of the zone its days were counted in (23:59:59-07:00, not 06:59:59Z). */
    public static DateTimeType dateTime(Instant instant, ZoneId zone) {
        return new DateTimeType(Date.from(instant), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone(zone));
    }
}
