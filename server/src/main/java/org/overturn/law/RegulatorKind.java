package org.overturn.law;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * Who governs a plan's appeals, and so whose clocks apply. The codes are those of regimes.yaml and of the
 * coverage-regulator extension on Coverage.
 */
public enum RegulatorKind {
    /** California Department of Managed Health Care: Knox-Keene health care service plans. */
    CA_DMHC("ca-dmhc"),
    /** California Department of Insurance: Insurance Code policies. */
    CA_CDI("ca-cdi"),
    /** A state's insurance department, for fully insured coverage in that state. */
    STATE_INSURANCE_DEPARTMENT("state-insurance-department"),
    /** A self-funded ERISA plan: federal claims procedure and federal external review. */
    ERISA_SELF_FUNDED("erisa-self-funded"),
    /** The federally administered external review of 45 CFR 147.136(d). */
    ACA_FEDERAL_EXTERNAL_REVIEW("aca-federal-external-review");

    private final String code;

    RegulatorKind(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** Federal regimes take the time zone of the patient's state, not their own. */
    public boolean federal() {
        return this == ERISA_SELF_FUNDED || this == ACA_FEDERAL_EXTERNAL_REVIEW;
    }

    public static Optional<RegulatorKind> fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
    }
}
