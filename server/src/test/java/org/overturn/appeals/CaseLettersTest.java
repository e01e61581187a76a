package org.overturn.appeals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.overturn.deadlines.Urgency;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ReadOnlyStore;

/**
 * Claim/$generate-letter's kinds: the codes the edge accepts, the refusals it answers, and which writer a kind reaches.
 * The stored letters themselves are LetterContract's and AppealContract's.
 */
class CaseLettersTest {

    @Test
    void parseWhenEachDocumentedCodeThenItsKindInTheDocumentedOrder() {
        assertThat(CaseLetters.Kind.codes()).containsExactly("medical-necessity", "appeal", "step-therapy-exception",
                "expanded-access", "clinical-trial-routine-costs");
        for (CaseLetters.Kind kind : CaseLetters.Kind.values()) {
            assertThat(CaseLetters.Kind.parse(kind.code())).isEqualTo(kind);
        }
        // every kind is stored under a type of its own, so a letter is found again by its kind
        assertThat(Arrays.stream(CaseLetters.Kind.values()).map(CaseLetters.Kind::document).distinct()).hasSize(CaseLetters.Kind.values().length);
    }

    @Test
    void parseWhenKindMissingOrBlankThen400NamingTheKinds() {
        for (String missing : new String[] {null, " "}) {
            OverturnException e = catchThrowableOfType(() -> CaseLetters.Kind.parse(missing), OverturnException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).isEqualTo("Parameter 'kind' (valueCode) is required, one of [medical-necessity, appeal,"
                    + " step-therapy-exception, expanded-access, clinical-trial-routine-costs]");
            assertThat(e.expression()).isEqualTo("Parameters.parameter[kind]");
        }
    }

    @Test
    void parseWhenKindUnknownOrNotExactThen400NamingTheSupportedOnes() {
        for (String unknown : new String[] {"love-letter", "Appeal", "appeal-letter"}) {
            OverturnException e = catchThrowableOfType(() -> CaseLetters.Kind.parse(unknown), OverturnException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).isEqualTo("kind '" + unknown + "' is not supported; supported: medical-necessity, appeal,"
                    + " step-therapy-exception, expanded-access, clinical-trial-routine-costs");
            assertThat(e.expression()).isEqualTo("Parameters.parameter[kind]");
        }
    }

    @Test
    void generateWhenAppealThenTheAppealServiceReadsTheClaim() {
        // Only the appeal writer is given: the other two would fail on null had the table sent the request there.
        CaseLetters letters = new CaseLetters(null, new AppealService(ReadOnlyStore.of(), null, null), null);

        OverturnException e = catchThrowableOfType(
                () -> letters.generate(new CaseLetters.Request("c1", CaseLetters.Kind.APPEAL, Urgency.EXPEDITED)), OverturnException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).contains("Claim/c1");
    }
}
