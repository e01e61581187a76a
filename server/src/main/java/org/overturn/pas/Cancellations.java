package org.overturn.pas;

import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.overturn.profiles.PasProfiles;

/**
 * What a PAS request withdraws. An item is withdrawn by the modifier extension infoCancelled = true (the PAS Claim
 * Update profile flags every item no longer requested with it) or by certificationType 3 (cancel) on the item; the
 * whole request by certificationType 3 on the Claim, or by withdrawing every item. Pure functions.
 */
final class Cancellations {
    private Cancellations() {}

    /** Whether the request withdraws every item: nothing in it is to be decided. */
    static boolean requestCancelled(Claim claim) {
        return certifiesCancel(claim.getExtensionsByUrl(PasProfiles.CERTIFICATION_TYPE))
                || (!claim.getItem().isEmpty() && claim.getItem().stream().allMatch(item -> itemCancelled(claim, item)));
    }

    /** Whether this item is withdrawn, by itself or with the whole request. */
    static boolean itemCancelled(Claim claim, Claim.ItemComponent item) {
        return flagged(item) || certifiesCancel(item.getExtensionsByUrl(PasProfiles.CERTIFICATION_TYPE))
                || certifiesCancel(claim.getExtensionsByUrl(PasProfiles.CERTIFICATION_TYPE));
    }

    private static boolean flagged(Claim.ItemComponent item) {
        return item.getModifierExtension().stream()
                .anyMatch(e -> PasProfiles.INFO_CANCELLED.equals(e.getUrl())
                        && e.getValue() instanceof BooleanType flag && flag.booleanValue());
    }

    private static boolean certifiesCancel(List<Extension> extensions) {
        return extensions.stream().anyMatch(e -> e.getValue() instanceof CodeableConcept type
                && type.hasCoding(PasProfiles.X12_1322, PasProfiles.CERTIFICATION_CANCEL));
    }
}
