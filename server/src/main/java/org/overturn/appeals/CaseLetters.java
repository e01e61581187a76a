package org.overturn.appeals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.DocumentReference;
import org.overturn.deadlines.Urgency;
import org.overturn.letter.LetterService;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * The letters of {@code Claim/$generate-letter}, one table from kind to the feature that writes it: the
 * medical-necessity letter ({@code letter}), the appeal letter for the latest denial ({@link AppealService}), and the
 * step-therapy exception, expanded-access and clinical-trial letters ({@link AccessLetterService}). A new kind is one
 * row here.
 */
public final class CaseLetters {
    /** Writes and stores the letter of a kind for a Claim; answers the stored DocumentReference. */
    private interface Writer {
        DocumentReference write(String claimId, String kind, Urgency urgency);
    }

    private final Map<String, Writer> writers = new LinkedHashMap<>();

    CaseLetters(LetterService letters, AppealService appeals, AccessLetterService accessLetters) {
        writers.put(LetterService.MEDICAL_NECESSITY, (claim, kind, urgency) -> letters.generate(claim, kind).document());
        writers.put("appeal", (claim, kind, urgency) -> appeals.appealLetter(claim, urgency));
        for (String access : AccessLetterService.KINDS) {
            writers.put(access, accessLetters::generate);
        }
    }

    /** The kinds, in the order the operation's documentation lists them. */
    public List<String> kinds() {
        return new ArrayList<>(writers.keySet());
    }

    /**
     * @param kind required, one of {@link #kinds()}
     * @param urgency standard (the default) or expedited; the appeal and step-therapy letters cite the clock it sets
     */
    public DocumentReference generate(String claimId, @Nullable String kind, @Nullable String urgency) {
        if (kind == null || kind.isBlank()) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'kind' (valueCode) is required, one of " + kinds(),
                    "Parameters.parameter[kind]");
        }
        Writer writer = writers.get(kind);
        if (writer == null) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "kind '" + kind + "' is not supported; supported: "
                    + String.join(", ", kinds()), "Parameters.parameter[kind]");
        }
        return writer.write(claimId, kind, Urgency.parse(urgency));
    }
}
