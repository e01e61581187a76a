package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.fax.FaxPacketService;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /fhir/Claim/{id}/$fax-packet} (optional {@code letter}, a reference to the letter to send; default the
 * Claim's latest letter to the payer): answers the stored fax packet DocumentReference.
 */
final class FaxPacketOperationProvider {
    private final FaxPacketService faxPackets;

    FaxPacketOperationProvider(FaxPacketService faxPackets) {
        this.faxPackets = faxPackets;
    }

    @Operation(name = "$fax-packet", type = Claim.class)
    public DocumentReference faxPacket(@IdParam IdType claimId, @OperationParam(name = "letter", max = 1) @Nullable Reference letter) {
        if (letter != null && !letter.hasReference()) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'letter' must be a valueReference with a reference"
                    + " (DocumentReference/<id>)", "Parameters.parameter[letter]");
        }
        return faxPackets.build(claimId.getIdPart(), letter == null ? null : letter.getReference());
    }
}
