package org.overturn.payers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final CircuitBreaker breaker = new CircuitBreaker("test-payer", 3, Duration.ofMinutes(1));

    @Test
    void failuresWhenBelowThresholdThenStaysClosedAndASuccessResetsTheCount() {
        breaker.failed(T0, "HTTP 503");
        breaker.failed(T0, "HTTP 503");
        breaker.succeeded();
        breaker.failed(T0, "HTTP 503");
        breaker.failed(T0, "HTTP 503");
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire(T0)).isTrue();
    }

    @Test
    void failuresWhenThresholdReachedThenOpensAndRefusesUntilTheOpenDurationEnds() {
        for (int i = 0; i < 3; i++) {
            breaker.failed(T0, "timed out");
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire(T0.plusSeconds(59))).isFalse();
        assertThat(breaker.retryAt(T0.plusSeconds(10), Duration.ofSeconds(2))).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void halfOpenWhenTrialRunningThenOnlyOneCallGoesThroughAndItsSuccessCloses() {
        for (int i = 0; i < 3; i++) {
            breaker.failed(T0, "timed out");
        }
        Instant later = T0.plusSeconds(61);
        assertThat(breaker.tryAcquire(later)).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire(later)).as("a second call while the trial runs").isFalse();
        assertThat(breaker.retryAt(later, Duration.ofSeconds(2))).isEqualTo(later.plusSeconds(2));
        breaker.succeeded();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire(later)).isTrue();
    }

    @Test
    void halfOpenWhenTrialFailsThenOpensAgainForAnotherPeriod() {
        for (int i = 0; i < 3; i++) {
            breaker.failed(T0, "timed out");
        }
        Instant later = T0.plusSeconds(61);
        assertThat(breaker.tryAcquire(later)).isTrue();
        breaker.failed(later, "connection refused");
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire(later.plusSeconds(59))).isFalse();
        assertThat(breaker.tryAcquire(later.plusSeconds(60))).isTrue();
    }

    @Test
    void halfOpenWhenTrialNeverReportsThenAnotherTrialIsAllowedAfterAnOpenDuration() {
        for (int i = 0; i < 3; i++) {
            breaker.failed(T0, "timed out");
        }
        Instant later = T0.plusSeconds(61);
        assertThat(breaker.tryAcquire(later)).isTrue();
        assertThat(breaker.tryAcquire(later.plusSeconds(30))).isFalse();
        assertThat(breaker.tryAcquire(later.plusSeconds(60))).isTrue();
    }
}
