package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DateRangeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2024, 2024-01-01T00:00:00Z, 2024-12-31T23:59:59.999Z",
        "2024-02, 2024-02-01T00:00:00Z, 2024-02-29T23:59:59.999Z",
        "2024-02-10, 2024-02-10T00:00:00Z, 2024-02-10T23:59:59.999Z",
        "2024-02-10T10:20:30Z, 2024-02-10T10:20:30Z, 2024-02-10T10:20:30.999Z",
        "2024-02-10T10:20:30.123Z, 2024-02-10T10:20:30.123Z, 2024-02-10T10:20:30.123Z",
        "2024-02-10T10:20:30+02:00, 2024-02-10T08:20:30Z, 2024-02-10T08:20:30.999Z",
        "2024-02-10T10:20, 2024-02-10T10:20:00Z, 2024-02-10T10:20:59.999Z",
        "2024-02-10T10:20:30, 2024-02-10T10:20:30Z, 2024-02-10T10:20:30.999Z"
    })
    void parseWhenPrecisionVariesThenRangeCoversTheWholeUnit(String value, String low, String high) {
        DateRange range = DateRange.parse(value);
        assertThat(range.low()).isEqualTo(Instant.parse(low));
        assertThat(range.high()).isEqualTo(Instant.parse(high));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2024-13", "2024-02-30", "20240210", "", "2024-02-10T25:00:00Z"})
    void parseWhenNotAFhirDateThenIllegalArgumentNamingTheValue(String value) {
        assertThatThrownBy(() -> DateRange.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + value + "'");
    }

    /** The formatter-free reading of zoned instants agrees with the general one on every value, or leaves it to it. */
    @org.junit.jupiter.api.Test
    void parseWhenZonedToTheSecondThenSameAsTheGeneralReading() {
        java.util.Random random = new java.util.Random(20261205);
        java.util.List<String> values = new java.util.ArrayList<>(java.util.List.of(
                "2024-02-29T23:59:59Z", "1969-12-31T23:59:59.9999Z", "0001-01-01T00:00:00+14:00",
                "2024-02-10T10:20:30.1+05:45", "2024-02-10T10:20:30.123456789-03:30", "2024-02-10T10:20:30.1234567891Z",
                "2024-02-30T10:20:30Z", "2024-02-10T24:00:00Z", "2024-02-10T10:20:60Z", "2024-02-10T10:20:30+19:00",
                "2024-02-10T10:20:30.Z", "2024-02-10T10:20:30z", "2024-02-10T10:20:30+0200", "2024-02-10t10:20:30Z",
                "2024-02-10T10:2a:30Z", "2024-02-10T10:20:30.12a+01:00", "+2024-02-10T10:20:30Z"));
        for (int i = 0; i < 2000; i++) {
            String fraction = random.nextInt(3) == 0 ? "" : "." + Long.toString(Math.abs(random.nextLong())).substring(0, 1 + random.nextInt(9));
            String zone = switch (random.nextInt(3)) {
                case 0 -> "Z";
                default -> String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(15), random.nextInt(60));
            };
            values.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", 1 + random.nextInt(9998), 1 + random.nextInt(12),
                    1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60), fraction, zone));
        }
        assertThat(sameAsTheGeneralReading(values)).isGreaterThan(2000);
    }

    /** The formatter-free reading of days agrees with the general one on every day of four years, and on non-days. */
    @org.junit.jupiter.api.Test
    void parseWhenADayThenSameAsTheGeneralReading() {
        java.util.List<String> values = new java.util.ArrayList<>(java.util.List.of("2023-02-29", "2024-02-30", "2024-00-10",
                "2024-13-01", "2024-04-31", "2024-1-101", "2024/02/10", "0000-01-01", "9999-12-31", "2024-02-1x", "-024-02-10"));
        for (java.time.LocalDate d = java.time.LocalDate.of(2023, 1, 1); d.getYear() < 2027; d = d.plusDays(1)) {
            values.add(d.toString());
        }
        assertThat(sameAsTheGeneralReading(values)).isGreaterThan(1460);
    }

    /** Checks that parse agrees with the general reading on each value (or refuses it too); returns how many were read. */
    private static int sameAsTheGeneralReading(java.util.List<String> values) {
        int compared = 0;
        for (String value : values) {
            DateRange expected;
            try {
                expected = DateRange.parseWithFormatters(value, value);
            } catch (IllegalArgumentException e) {
                assertThatThrownBy(() -> DateRange.parse(value)).as(value).isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            assertThat(DateRange.parse(value)).as(value).isEqualTo(expected);
            compared++;
        }
        return compared;
    }
}
