package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.overturn.letter.LetterService;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.springframework.lang.Nullable;

/** {@code POST /fhir/Claim/{id}/$generate-letter}: writes and stores the letter for a PA Claim. */
public final class ClaimLetterOperationProvider {
    private final LetterService letters;

    ClaimLetterOperationProvider(LetterService letters) {
        this.letters = letters;
    }

    /** Answers with the stored DocumentReference (Markdown and PDF attachments). */
    @Operation(name = "$generate-letter", type = Claim.class)
    public DocumentReference generate(@IdParam IdType claimId, @OperationParam(name = "kind", min = 1) @Nullable CodeType kind) {
        if (kind == null || kind.getValue() == null) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'kind' (valueCode) is required, e.g. medical-necessity");
        }
        return letters.generate(claimId.getIdPart(), kind.getValue()).document();
    }
}
