package org.overturn.platform;

import java.time.Duration;

/** How long an outbox row waits before its next attempt (PAS delivery, Subscription notifications). */
public final class Backoff {
    private Backoff() {}

    /**
     * Exponential backoff with equal jitter: attempt n waits between half and all of initial * 2^(n-1), capped at
     * max, so instances retrying the same endpoint spread out.
     *
     * @param random a value in [0, 1)
     */
    public static Duration of(int attempt, Duration initial, Duration max, double random) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long capped = Math.min(max.toMillis(), initial.toMillis() * (1L << doublings));
        if (capped < 0) {
            capped = max.toMillis();
        }
        return Duration.ofMillis(capped / 2 + (long) (random * (capped - capped / 2)));
    }
}
