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
import org.jspecify.annotations.Nullable;

/**
 * The instants a FHIR date, dateTime or instant covers, given its precision: "2024" covers the whole year. Values
 * without a time zone are read as UTC, both when indexing and when searching, so the two always agree.
 */
record DateRange(Instant low, Instant high) {
    /** Bounds of an open-ended Period (PostgreSQL timestamptz covers these). */
    static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");

    static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final Pattern YEAR = Pattern.compile("\\d{4}");
    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ZONED = Pattern.compile(".*(Z|[+-]\\d{2}:\\d{2})$");
    private static final Pattern ZONE = Pattern.compile("(Z|[+-]\\d{2}:\\d{2})$");

    DateRange {
        if (high.isBefore(low)) {
            throw new IllegalArgumentException("date range ends before it starts");
        }
    }

    /** Parses a FHIR date/dateTime/instant; throws {@link IllegalArgumentException} naming the bad value. */
    static DateRange parse(String value) {
        String v = value.trim();
        DateRange fast = v.length() == 10 ? day(v) : zonedToTheSecond(v);
        return fast != null ? fast : parseWithFormatters(v, value);
    }

    /** {@code yyyy-MM-dd}, the other common shape (birth dates, effective dates), read without a formatter; else null. */
    private static @Nullable DateRange day(String v) {
        if (v.charAt(4) != '-' || v.charAt(7) != '-') {
            return null;
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 5, 7);
        int day = digits(v, 8, 10);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
            return null;
        }
        try {
            Instant low = LocalDate.of(year, month, day).atStartOfDay().toInstant(ZoneOffset.UTC);
            return new DateRange(low, low.plus(1, ChronoUnit.DAYS).minusMillis(1));
        } catch (java.time.DateTimeException e) {
            return null; // such as February 30: the general reading reports it
        }
    }

    /** The general reading of {@link #parse}, for every shape FHIR allows. */
    static DateRange parseWithFormatters(String v, String value) {
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
            int fieldCount = ZONE.matcher(time).replaceAll("").split(":").length;
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

    /**
     * {@code yyyy-MM-ddThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)}, the shape of every instant and of most dateTimes a
     * write indexes (meta.lastUpdated, AuditEvent.recorded), read without a formatter, which costs several times
     * more; null for anything else, which {@link #parseWithFormatters} then reads (and reports).
     */
    private static @Nullable DateRange zonedToTheSecond(String v) {
        int n = v.length();
        if (n < 20 || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T' || v.charAt(13) != ':'
                || v.charAt(16) != ':') {
            return null;
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 5, 7);
        int day = digits(v, 8, 10);
        int hour = digits(v, 11, 13);
        int minute = digits(v, 14, 16);
        int second = digits(v, 17, 19);
        int i = 19;
        int millis = -1;
        if (v.charAt(i) == '.') {
            int start = ++i;
            while (i < n && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
                i++;
            }
            if (i == start || i - start > 9) {
                return null;
            }
            String fraction = (v.substring(start, Math.min(i, start + 3)) + "00").substring(0, 3);
            millis = digits(fraction, 0, 3);
        }
        int offsetSeconds;
        if (i == n - 1 && v.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (v.charAt(i) == '+' || v.charAt(i) == '-') && v.charAt(i + 3) == ':') {
            int hours = digits(v, i + 1, i + 3);
            int minutes = digits(v, i + 4, i + 6);
            if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59) {
                return null;
            }
            offsetSeconds = (v.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        } else {
            return null;
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        Instant at;
        try {
            at = LocalDateTime.of(year, month, day, hour, minute, second)
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (java.time.DateTimeException e) {
            return null; // out of range (month 13, hour 24): the general reading reports it
        }
        if (millis < 0) {
            return new DateRange(at, at.plusSeconds(1).minusMillis(1));
        }
        Instant low = at.plusMillis(millis);
        return new DateRange(low, low);
    }

    /** The ASCII digits from {@code start} to {@code end} as a number, or -1 if any is not one. */
    private static int digits(String s, int start, int end) {
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static DateRange between(@Nullable DateRange start, @Nullable DateRange end) {
        Instant low = start == null ? MIN : start.low();
        Instant high = end == null ? MAX : end.high();
        return new DateRange(low, high.isBefore(low) ? low : high);
    }

    static DateRange instant(Instant at) {
        return new DateRange(at, at);
    }
}
