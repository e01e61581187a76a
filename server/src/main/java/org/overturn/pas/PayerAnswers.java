package org.overturn.pas;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reading a routed payer's answer, and when to ask again after a failed delivery. Pure functions. */
final class PayerAnswers {
    /** X12 306 codes with a meaning here; A2 (certified partial) and A6 (modified) certify something. */
    private static final Set<String> KNOWN = Set.of("A1", "A2", "A3", "A4", "A6");

    private PayerAnswers() {}

    /**
     * The request's business status from its items' review actions; empty when there are none or one is a code
     * this server does not know, which is reported rather than read as pended.
     */
    static Optional<String> businessStatus(List<String> reviewActions) {
        if (reviewActions.isEmpty() || !KNOWN.containsAll(reviewActions)) {
            return Optional.empty();
        }
        if (reviewActions.contains("A4")) {
            return Optional.of(PasProfiles.PENDED);
        }
        if (reviewActions.stream().allMatch("A1"::equals)) {
            return Optional.of(PasProfiles.APPROVED);
        }
        if (reviewActions.stream().allMatch("A3"::equals)) {
            return Optional.of(PasProfiles.DENIED);
        }
        return Optional.of(PasProfiles.PARTIALLY_APPROVED);
    }

    /**
     * Exponential backoff with equal jitter: attempt n waits between half and all of initial * 2^(n-1), capped at
     * max, so instances retrying the same payer spread out.
     *
     * @param random a value in [0, 1)
     */
    static Duration backoff(int attempt, Duration initial, Duration max, double random) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long capped = Math.min(max.toMillis(), initial.toMillis() * (1L << doublings));
        if (capped < 0) {
            capped = max.toMillis();
        }
        return Duration.ofMillis(capped / 2 + (long) (random * (capped - capped / 2)));
    }
}
