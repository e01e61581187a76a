package org.overturn.pas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.overturn.profiles.PasProfiles;

/** Reading a payer's review actions. */
class PayerAnswersTest {

    @Test
    void businessStatusWhenReviewActionsKnownThenSummarizedAndWhenUnknownThenNotGuessed() {
        assertThat(PayerAnswers.businessStatus(List.of("A1", "A1"))).contains(PasProfiles.APPROVED);
        assertThat(PayerAnswers.businessStatus(List.of("A3"))).contains(PasProfiles.DENIED);
        assertThat(PayerAnswers.businessStatus(List.of("A1", "A4"))).contains(PasProfiles.PENDED);
        assertThat(PayerAnswers.businessStatus(List.of("A1", "A3"))).contains(PasProfiles.PARTIALLY_APPROVED);
        assertThat(PayerAnswers.businessStatus(List.of("A6"))).contains(PasProfiles.PARTIALLY_APPROVED);
        assertThat(PayerAnswers.businessStatus(List.of("A1", "ZZ"))).isEmpty();
        assertThat(PayerAnswers.businessStatus(List.of())).isEmpty();
    }

    @Test
    void businessStatusWhenItemsCancelledThenTheyDoNotCountAndAllCancelledIsCancelled() {
        assertThat(PayerAnswers.businessStatus(List.of("C", "A1"))).contains(PasProfiles.APPROVED);
        assertThat(PayerAnswers.businessStatus(List.of("C", "A3"))).contains(PasProfiles.DENIED);
        assertThat(PayerAnswers.businessStatus(List.of("C", "C"))).contains(PasProfiles.CANCELLED);
    }
}
