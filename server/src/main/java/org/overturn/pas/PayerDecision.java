package org.overturn.pas;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.overturn.profiles.PasProfiles;

/** A payer's answer to a PA request: one decision per Claim item, and the authorization number if any was approved. */
record PayerDecision(List<ItemDecision> items, @Nullable String preAuthRef, String payer) {

    PayerDecision {
        items = List.copyOf(items);
    }

    /** X12 306 action codes PAS uses for an item's review outcome. */
    enum ReviewAction {
        APPROVED("A1", "Certified in total"),
        DENIED("A3", "Not certified"),
        PENDED("A4", "Pended"),
        /** The provider withdrew the item (X12 278 HCR01 C): not decided. */
        CANCELLED("C", "Cancelled");

        final String code;
        final String display;

        ReviewAction(String code, String display) {
            this.code = code;
            this.display = display;
        }
    }

    /** Why an item was denied: the criterion, the reason the knowledge gives for its kind, and its CARC code. */
    record Denial(String criterionId, String carc, String carcDisplay, String reason, String detail) {}

    /**
     * @param number the item-level review number (the authorization number of an approved item)
     * @param missing documentation the payer needs before it can decide (pended items)
     * @param review why the item went to a person instead of rules (pended items), when that is the reason
     * @param approvalMonths how long an approval lasts, where the policy's sources say (approved items)
     */
    record ItemDecision(
            int sequence,
            String product,
            ReviewAction action,
            @Nullable String number,
            List<Denial> denials,
            List<String> missing,
            String policy,
            @Nullable String review,
            @Nullable Integer approvalMonths) {
        ItemDecision {
            denials = List.copyOf(denials);
            missing = List.copyOf(missing);
        }
    }

    /** The outcome of the whole request, as the PA Task's businessStatus code; withdrawn items do not count. */
    String businessStatus() {
        List<ItemDecision> decided = items.stream().filter(i -> i.action() != ReviewAction.CANCELLED).toList();
        if (decided.isEmpty()) {
            return PasProfiles.CANCELLED;
        }
        if (decided.stream().anyMatch(i -> i.action() == ReviewAction.PENDED)) {
            return PasProfiles.PENDED;
        }
        long approved = decided.stream().filter(i -> i.action() == ReviewAction.APPROVED).count();
        return approved == decided.size() ? PasProfiles.APPROVED : approved == 0 ? PasProfiles.DENIED : PasProfiles.PARTIALLY_APPROVED;
    }
}
