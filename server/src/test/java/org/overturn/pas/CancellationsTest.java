package org.overturn.pas;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.overturn.profiles.PasProfiles;

/** What a PAS request withdraws: items flagged infoCancelled or certified "cancel", or the whole request. */
class CancellationsTest {

    private static Claim twoItems() {
        Claim claim = new Claim();
        claim.addItem().setSequence(1);
        claim.addItem().setSequence(2);
        return claim;
    }

    private static CodeableConcept certification(String code) {
        return new CodeableConcept(new Coding(PasProfiles.X12_1322, code, null));
    }

    @Test
    void itemCancelledWhenFlaggedTrueOrCertifiedCancelAndNotWhenFlaggedFalseOrCertifiedOtherwise() {
        Claim claim = twoItems();
        claim.getItem().get(0).addModifierExtension(PasProfiles.INFO_CANCELLED, new BooleanType(true));
        claim.getItem().get(1).addModifierExtension(PasProfiles.INFO_CANCELLED, new BooleanType(false));
        assertThat(Cancellations.itemCancelled(claim, claim.getItem().get(0))).isTrue();
        assertThat(Cancellations.itemCancelled(claim, claim.getItem().get(1))).isFalse();
        assertThat(Cancellations.requestCancelled(claim)).as("one item is still requested").isFalse();

        claim.getItem().get(1).addExtension(PasProfiles.CERTIFICATION_TYPE, certification("I")); // initial
        assertThat(Cancellations.itemCancelled(claim, claim.getItem().get(1))).isFalse();
        claim.getItem().get(1).addExtension(PasProfiles.CERTIFICATION_TYPE, certification(PasProfiles.CERTIFICATION_CANCEL));
        assertThat(Cancellations.itemCancelled(claim, claim.getItem().get(1))).isTrue();
        assertThat(Cancellations.requestCancelled(claim)).as("every item withdrawn").isTrue();
    }

    @Test
    void requestCancelledWhenTheClaimIsCertifiedCancelAndThenEveryItemIsWithdrawn() {
        Claim claim = twoItems();
        assertThat(Cancellations.requestCancelled(claim)).isFalse();
        claim.addExtension(PasProfiles.CERTIFICATION_TYPE, certification(PasProfiles.CERTIFICATION_CANCEL));
        assertThat(Cancellations.requestCancelled(claim)).isTrue();
        assertThat(claim.getItem()).allMatch(item -> Cancellations.itemCancelled(claim, item));
    }
}
