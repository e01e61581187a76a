package org.overturn.appeals;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.DocumentReference;
import org.overturn.deadlines.Urgency;
import org.overturn.letter.CaseDocuments;
import org.overturn.letter.LetterService;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * The letters of {@code Claim/$generate-letter}, one table from {@link Kind} to the feature that writes it: the
 * medical-necessity letter ({@code letter}), the appeal letter for the latest denial ({@link AppealService}), and the
 * step-therapy exception, expanded-access and clinical-trial letters ({@link AccessLetterService}). A new kind is one
 * constant and one row here.
 */
public final class CaseLetters {
    /** The {@code kind} parameter of {@code $generate-letter}, in the order the operation's documentation lists them. */
    public enum Kind {
        MEDICAL_NECESSITY(LetterService.MEDICAL_NECESSITY, CaseDocuments.Kind.MEDICAL_NECESSITY_LETTER),
        APPEAL("appeal", CaseDocuments.Kind.APPEAL_LETTER),
        STEP_THERAPY_EXCEPTION("step-therapy-exception", CaseDocuments.Kind.STEP_THERAPY_EXCEPTION_REQUEST),
        EXPANDED_ACCESS("expanded-access", CaseDocuments.Kind.EXPANDED_ACCESS_REQUEST),
        CLINICAL_TRIAL_ROUTINE_COSTS("clinical-trial-routine-costs", CaseDocuments.Kind.CLINICAL_TRIAL_ROUTINE_COSTS_REQUEST);

        private final String code;
        private final CaseDocuments.Kind document;

        Kind(String code, CaseDocuments.Kind document) {
            this.code = code;
            this.document = document;
        }

        /** The parameter's code. */
        public String code() {
            return code;
        }

        /** The DocumentReference.type the letter is stored with. */
        CaseDocuments.Kind document() {
            return document;
        }

        /** The codes, in declaration order. */
        public static List<String> codes() {
            return Arrays.stream(values()).map(Kind::code).toList();
        }

        /** The {@code kind} parameter: required, one of {@link #codes()} exactly; 400 otherwise. */
        public static Kind parse(@Nullable String code) {
            if (code == null || code.isBlank()) {
                throw new OverturnException(ErrorCode.INVALID_REQUEST, "Parameter 'kind' (valueCode) is required, one of " + codes(),
                        "Parameters.parameter[kind]");
            }
            for (Kind kind : values()) {
                if (kind.code.equals(code)) {
                    return kind;
                }
            }
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "kind '" + code + "' is not supported; supported: "
                    + String.join(", ", codes()), "Parameters.parameter[kind]");
        }
    }

    /**
     * A {@code $generate-letter} call, converted at the edge.
     *
     * @param urgency standard (the default) or expedited; the appeal and step-therapy letters cite the clock it sets
     */
    public record Request(String claimId, Kind kind, Urgency urgency) {}

    /** Writes and stores the letter of a request; answers the stored DocumentReference. */
    private interface Writer {
        DocumentReference write(Request request);
    }

    private final Map<Kind, Writer> writers = new EnumMap<>(Kind.class);

    CaseLetters(LetterService letters, AppealService appeals, AccessLetterService accessLetters) {
        writers.put(Kind.MEDICAL_NECESSITY, r -> letters.generate(r.claimId(), r.kind().code()).document());
        writers.put(Kind.APPEAL, r -> appeals.appealLetter(r.claimId(), r.urgency()));
        writers.put(Kind.STEP_THERAPY_EXCEPTION, r -> accessLetters.generate(r.claimId(), r.kind(), r.urgency()));
        writers.put(Kind.EXPANDED_ACCESS, r -> accessLetters.generate(r.claimId(), r.kind(), r.urgency()));
        writers.put(Kind.CLINICAL_TRIAL_ROUTINE_COSTS, r -> accessLetters.generate(r.claimId(), r.kind(), r.urgency()));
        if (writers.size() != Kind.values().length) {
            throw new IllegalStateException("a letter kind without a writer: " + writers.keySet());
        }
    }

    public DocumentReference generate(Request request) {
        Writer writer = writers.get(request.kind());
        if (writer == null) {
            throw new IllegalStateException("no writer for " + request.kind()); // the constructor checked every kind has one
        }
        return writer.write(request);
    }
}
