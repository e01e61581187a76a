package org.overturn.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

/** Claim/$generate-letter's edge: the Parameters converted, and refused, before any letter is written. */
class ClaimLetterOperationProviderTest {
    // No letters: every call here is refused before the request reaches the feature.
    private final ClaimLetterOperationProvider provider = new ClaimLetterOperationProvider(null);

    @Test
    void generateWhenKindAndUrgencyAreBothWrongThenTheKindIsAnswered() {
        OverturnException e = catchThrowableOfType(
                () -> provider.generate(new IdType("Claim", "c1"), new CodeType("love-letter"), new CodeType("urgent")), OverturnException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.expression()).isEqualTo("Parameters.parameter[kind]");
    }

    @Test
    void generateWhenOnlyTheUrgencyIsWrongThen400NamingIt() {
        OverturnException e = catchThrowableOfType(
                () -> provider.generate(new IdType("Claim", "c1"), new CodeType("appeal"), new CodeType("urgent")), OverturnException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("standard or expedited").contains("'urgent'");
        assertThat(e.expression()).isEqualTo("Parameters.parameter[urgency]");
    }
}
