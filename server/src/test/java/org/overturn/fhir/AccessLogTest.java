package org.overturn.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The access log line cannot be forged: a parameter name carrying a line break or control character is escaped. */
class AccessLogTest {

    @Test
    void parameterNamesAreEscapedAndBounded() {
        String forged = FhirRequestFilter.parameterNames(List.of("code", "x\nINFO request id=forged status=200", "a\u001b[31m"));
        assertThat(forged).doesNotContain("\n").doesNotContain("\u001b").contains("\\n").contains("\\u001b");
        assertThat(FhirRequestFilter.parameterNames(List.of("y".repeat(5000))).length()).isLessThan(300);
        assertThat(FhirRequestFilter.parameterNames(List.of("patient", "code"))).isEqualTo("code,patient");
    }

    @Test
    void durationIsMillisecondsWithOneDecimalRounded() {
        assertThat(FhirRequestFilter.milliseconds(0)).isEqualTo("0.0");
        assertThat(FhirRequestFilter.milliseconds(1_049)).isEqualTo("1.0");
        assertThat(FhirRequestFilter.milliseconds(1_050)).isEqualTo("1.1");
        assertThat(FhirRequestFilter.milliseconds(12_345)).isEqualTo("12.3");
        assertThat(FhirRequestFilter.milliseconds(999_960)).isEqualTo("1000.0");
    }
}
