package org.overturn.letter;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.overturn.platform.Canonical;

/**
 * The kinds of documents Overturn writes for a case, as {@code DocumentReference.type} codes of the case-document
 * CodeSystem (fhir-profiles), and their one category. Letters are found again by these codes (e.g. the letter a fax
 * packet sends).
 */
public final class CaseDocuments {
    public static final String SYSTEM = Canonical.BASE + "/CodeSystem/case-document";
    /** DocumentReference.category of every case document. */
    public static final String CATEGORY = "pa-case";

    private CaseDocuments() {}

    public enum Kind {
        MEDICAL_NECESSITY_LETTER("medical-necessity-letter", "Letter of medical necessity"),
        APPEAL_LETTER("appeal-letter", "Appeal letter"),
        STEP_THERAPY_EXCEPTION_REQUEST("step-therapy-exception-request", "Step-therapy exception request"),
        EXPANDED_ACCESS_REQUEST("expanded-access-request", "Expanded-access request"),
        CLINICAL_TRIAL_ROUTINE_COSTS_REQUEST("clinical-trial-routine-costs-request", "Clinical-trial routine costs request"),
        EXTERNAL_REVIEW_PACKET("external-review-packet", "External review packet"),
        FAX_PACKET("fax-packet", "Fax packet"),
        PATIENT_SUMMARY("patient-summary", "Patient status summary");

        private final String code;
        private final String display;

        Kind(String code, String display) {
            this.code = code;
            this.display = display;
        }

        public String code() {
            return code;
        }

        public String display() {
            return display;
        }

        /** {@code system|code}, for a token search. */
        public String token() {
            return SYSTEM + "|" + code;
        }

        public CodeableConcept type() {
            return new CodeableConcept(new Coding(SYSTEM, code, display)).setText(display);
        }
    }

    public static CodeableConcept category() {
        return new CodeableConcept(new Coding(SYSTEM, CATEGORY, "Prior authorization and appeal case document"));
    }
}
