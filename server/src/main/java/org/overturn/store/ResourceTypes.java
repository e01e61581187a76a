package org.overturn.store;

import java.util.List;

/**
 * The resource types Overturn stores and serves: those of a PA or appeal case and what they reference, and the
 * Subscriptions clients are notified by.
 */
public final class ResourceTypes {
    public static final List<String> SUPPORTED = List.of(
            "AllergyIntolerance",
            "AuditEvent",
            "Binary",
            "Bundle",
            "Claim",
            "ClaimResponse",
            "Communication",
            "CommunicationRequest",
            "Condition",
            "Coverage",
            "CoverageEligibilityRequest",
            "CoverageEligibilityResponse",
            "DiagnosticReport",
            "DocumentReference",
            "Medication",
            "MedicationRequest",
            "MedicationStatement",
            "Observation",
            "Organization",
            "Patient",
            "Practitioner",
            "PractitionerRole",
            "Procedure",
            "Provenance",
            "Questionnaire",
            "QuestionnaireResponse",
            "Subscription",
            "Task");

    private ResourceTypes() {}
}
