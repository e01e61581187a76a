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
}
