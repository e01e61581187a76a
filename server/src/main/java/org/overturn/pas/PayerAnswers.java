package org.overturn.pas;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.overturn.profiles.PasProfiles;

/** Reading a routed payer's answer, and when to ask again after a failed delivery. Pure functions. */
final class PayerAnswers {
    /**
     * X12 306 codes with a meaning here; A2 (certified partial) and A6 (modified) certify something, C confirms an
     * item the provider withdrew.
     */
    private static final Set<String> KNOWN = Set.of("A1", "A2", "A3", "A4", "A6", "C");

    private PayerAnswers() {}

    /**
     * The request's business status from its items' review actions; empty when there are none or one is a code
     * this server does not know, which is reported rather than read as pended.
     */
    static Optional<String> businessStatus(List<String> reviewActions) {
        if (reviewActions.isEmpty() || !KNOWN.containsAll(reviewActions)) {
            return Optional.empty();
        }
        reviewActions = reviewActions.stream().filter(code -> !"C".equals(code)).toList();
        if (reviewActions.isEmpty()) {
            return Optional.of(PasProfiles.CANCELLED);
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
}
