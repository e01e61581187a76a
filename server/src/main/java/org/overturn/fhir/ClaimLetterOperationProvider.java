package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.overturn.appeals.CaseLetters;
import org.overturn.deadlines.Urgency;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /fhir/Claim/{id}/$generate-letter}: writes and stores the letter for a PA Claim: kind
 * {@code medical-necessity}; {@code appeal} (answering the latest denial of the Claim); {@code step-therapy-exception};
 * for investigational drugs {@code expanded-access} and {@code clinical-trial-routine-costs}. Optional {@code urgency}
 * (standard, expedited) for appeal and step-therapy-exception. Which feature writes which kind is {@link CaseLetters}'s.
 */
final class ClaimLetterOperationProvider {
    private final CaseLetters letters;

    ClaimLetterOperationProvider(CaseLetters letters) {
        this.letters = letters;
    }

    /** Answers with the stored DocumentReference (Markdown and PDF attachments). */
    @Operation(name = "$generate-letter", type = Claim.class)
    public DocumentReference generate(
            @IdParam IdType claimId,
            @OperationParam(name = "kind", min = 1) @Nullable CodeType kind,
            @OperationParam(name = "urgency") @Nullable CodeType urgency) {
        // kind first: when both parameters are wrong, the kind's error is the one answered
        CaseLetters.Kind letterKind = CaseLetters.Kind.parse(kind == null ? null : kind.getValue());
        Urgency letterUrgency = Urgency.parse(urgency == null ? null : urgency.getValue());
        return letters.generate(new CaseLetters.Request(claimId.getIdPart(), letterKind, letterUrgency));
    }
}
