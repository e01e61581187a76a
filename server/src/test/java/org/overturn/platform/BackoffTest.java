package org.overturn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry schedule of outbox rows after failed deliveries. */
class BackoffTest {

    @Test
    void backoffWhenAttemptsGrowThenDoublesWithinJitterBoundsAndStopsAtTheCap() {
        Duration initial = Duration.ofSeconds(2);
        Duration max = Duration.ofMinutes(10);
        for (int attempt = 1; attempt <= 12; attempt++) {
            long full = Math.min(max.toMillis(), initial.toMillis() << (attempt - 1));
            assertThat(Backoff.of(attempt, initial, max, 0.0).toMillis()).as("attempt %d, no jitter", attempt).isEqualTo(full / 2);
            assertThat(Backoff.of(attempt, initial, max, 0.999999).toMillis()).as("attempt %d, most jitter", attempt)
                    .isBetween(full - 1, full);
        }
        assertThat(Backoff.of(3, initial, max, 0.5)).isGreaterThan(Backoff.of(2, initial, max, 0.5));
        assertThat(Backoff.of(200, initial, max, 0.999999)).isLessThanOrEqualTo(max);
    }
}
