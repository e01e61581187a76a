package org.overturn.eligibility;

import org.overturn.platform.Canonical;

/** Extension URLs of the coverage assessment; each is defined by a StructureDefinition in fhir-profiles. */
public final class EligibilityExtensions {
    private static final String BASE = Canonical.BASE + "/StructureDefinition/";

    /** On CoverageEligibilityResponse: the overall assessment (status, policy and version, payer, drug, reason). */
    public static final String ASSESSMENT = BASE + "coverage-assessment";

    /** On CoverageEligibilityResponse.insurance.item, repeating: one payer criterion and its result. */
    public static final String CRITERION = BASE + "criterion-result";

    /** On CoverageEligibilityResponse.insurance.item, repeating: documentation still needed. */
    public static final String MISSING_DOCUMENTATION = BASE + "missing-documentation";

    private EligibilityExtensions() {}
}
