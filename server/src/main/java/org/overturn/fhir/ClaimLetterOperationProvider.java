package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import java.util.List;
import org.overturn.appeals.AccessLetterService;
import org.overturn.appeals.AppealService;
import org.overturn.letter.LetterService;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.springframework.lang.Nullable;

/**
 * {@code POST /fhir/Claim/{id}/$generate-letter}: writes and stores the letter for a PA Claim: kind
 * {@code medical-necessity}; {@code appeal} (answering the latest denial of the Claim); {@code step-therapy-exception};
 * for investigational drugs {@code expanded-access} and {@code clinical-trial-routine-costs}. Optional {@code urgency}
 * (standard, expedited) for appeal and step-therapy-exception.
 */
public final class ClaimLetterOperationProvider {
    static final List<String> KINDS = List.of(LetterService.MEDICAL_NECESSITY, "appeal", AccessLetterService.STEP_THERAPY_EXCEPTION,
            AccessLetterService.EXPANDED_ACCESS, AccessLetterService.CLINICAL_TRIAL_ROUTINE_COSTS);

    private final LetterService letters;
    private final AppealService appeals;
    private final AccessLetterService accessLetters;

    ClaimLetterOperationProvider(LetterService letters, AppealService appeals, AccessLetterService accessLetters) {
        this.letters = letters;
        this.appeals = appeals;
        this.accessLetters = accessLetters;
    }

    /** Answers with the stored DocumentReference (Markdown and PDF attachments). */
    @Operation(name = "$generate-letter", type = Claim.class)
    public DocumentReference generate(
            @IdParam IdType claimId,
            @OperationParam(name = "kind", min = 1) @Nullable CodeType kind,
            @OperationParam(name = "urgency") @Nullable CodeType urgency) {
        if (kind == null || kind.getValue() == null) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'kind' (valueCode) is required, one of " + KINDS);
        }
        if (kind.getValue().equals("appeal")) {
            return appeals.appealLetter(claimId.getIdPart(), AppealOperationProvider.urgency(urgency));
        }
        if (AccessLetterService.KINDS.contains(kind.getValue())) {
            return accessLetters.generate(claimId.getIdPart(), kind.getValue(), AppealOperationProvider.urgency(urgency));
        }
        if (!KINDS.contains(kind.getValue())) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "kind '" + kind.getValue() + "' is not supported; supported: "
                    + String.join(", ", KINDS), "Parameters.parameter[kind]");
        }
        return letters.generate(claimId.getIdPart(), kind.getValue()).document();
    }
}
