package org.overturn.deadlines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

class UrgencyTest {

    @Test
    void parseWhenAbsentOrBlankThenStandard() {
        assertThat(Urgency.parse(null)).isEqualTo(Urgency.STANDARD);
        assertThat(Urgency.parse(" ")).isEqualTo(Urgency.STANDARD);
    }

    @Test
    void parseWhenEitherCodeInAnyCaseThenThatUrgency() {
        assertThat(Urgency.parse("Expedited")).isEqualTo(Urgency.EXPEDITED);
        assertThat(Urgency.parse("standard")).isEqualTo(Urgency.STANDARD);
    }

    @Test
    void parseWhenAnotherWordThenA400NamingTheParameterAndTheChoices() {
        assertThatThrownBy(() -> Urgency.parse("urgent"))
                .isInstanceOfSatisfying(OverturnException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.expression()).isEqualTo("Parameters.parameter[urgency]");
                })
                .hasMessageContaining("standard or expedited").hasMessageContaining("'urgent'");
    }
}
