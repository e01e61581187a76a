package org.overturn.pas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a payer's review actions, and the retry schedule after failed deliveries. */
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
    void backoffWhenAttemptsGrowThenDoublesWithinJitterBoundsAndStopsAtTheCap() {
        Duration initial = Duration.ofSeconds(2);
        Duration max = Duration.ofMinutes(10);
        for (int attempt = 1; attempt <= 12; attempt++) {
            long full = Math.min(max.toMillis(), initial.toMillis() << (attempt - 1));
            assertThat(PayerAnswers.backoff(attempt, initial, max, 0.0).toMillis()).as("attempt %d, no jitter", attempt).isEqualTo(full / 2);
            assertThat(PayerAnswers.backoff(attempt, initial, max, 0.999999).toMillis()).as("attempt %d, most jitter", attempt)
                    .isBetween(full - 1, full);
        }
        assertThat(PayerAnswers.backoff(3, initial, max, 0.5)).isGreaterThan(PayerAnswers.backoff(2, initial, max, 0.5));
        assertThat(PayerAnswers.backoff(200, initial, max, 0.999999)).isLessThanOrEqualTo(max);
    }
}
