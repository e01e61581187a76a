package org.overturn.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.springframework.lang.Nullable;

/**
 * The instants a FHIR date, dateTime or instant covers, given its precision: "2024" covers the whole year. Values
 * without a time zone are read as UTC, both when indexing and when searching, so the two always agree.
 */
public record DateRange(Instant low, Instant high) {
    /** Bounds of an open-ended Period (PostgreSQL timestamptz covers these). */
    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");

    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final Pattern YEAR = Pattern.compile("\\d{4}");
    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ZONED = Pattern.compile(".*(Z|[+-]\\d{2}:\\d{2})$");

    public DateRange {
        if (high.isBefore(low)) {
            throw new IllegalArgumentException("date range ends before it starts");
        }
    }

    /** Parses a FHIR date/dateTime/instant; throws {@link IllegalArgumentException} naming the bad value. */
    public static DateRange parse(String value) {
        String v = value.trim();
        try {
            if (YEAR.matcher(v).matches()) {
                Instant low = LocalDate.of(Integer.parseInt(v), 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
                return new DateRange(low, low.atOffset(ZoneOffset.UTC).plusYears(1).toInstant().minusMillis(1));
            }
            if (MONTH.matcher(v).matches()) {
                Instant low = YearMonth.parse(v).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                return new DateRange(low, low.atOffset(ZoneOffset.UTC).plusMonths(1).toInstant().minusMillis(1));
            }
            if (DAY.matcher(v).matches()) {
                Instant low = LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
                return new DateRange(low, low.plus(1, ChronoUnit.DAYS).minusMillis(1));
            }
            Instant at;
            ChronoUnit precision;
            String time = v.substring(v.indexOf('T') + 1);
            int fieldCount = time.replaceAll("(Z|[+-]\\d{2}:\\d{2})$", "").split(":").length;
            precision = fieldCount <= 2 ? ChronoUnit.MINUTES : ChronoUnit.SECONDS;
            if (time.contains(".")) {
                precision = ChronoUnit.MILLIS;
            }
            if (ZONED.matcher(v).matches()) {
                at = fieldCount <= 2
                        ? OffsetDateTime.parse(v.replaceFirst("(Z|[+-]\\d{2}:\\d{2})$", ":00$1"))
                                .toInstant()
                        : OffsetDateTime.parse(v).toInstant();
            } else {
                at = LocalDateTime.parse(fieldCount <= 2 ? v + ":00" : v).toInstant(ZoneOffset.UTC);
            }
            Instant low = at.truncatedTo(precision);
            return new DateRange(low, low.plus(1, precision).minusMillis(1));
        } catch (DateTimeParseException | StringIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a FHIR date, dateTime or instant", e);
        }
    }

    public static DateRange between(@Nullable DateRange start, @Nullable DateRange end) {
        Instant low = start == null ? MIN : start.low();
        Instant high = end == null ? MAX : end.high();
        return new DateRange(low, high.isBefore(low) ? low : high);
    }

    public static DateRange instant(Instant at) {
        return new DateRange(at, at);
    }
}
