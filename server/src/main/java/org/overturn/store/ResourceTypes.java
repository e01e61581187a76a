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

    /**
     * The audit trail: AuditEvents the server appends (one per answered request) and nobody changes, kept in a table of
     * their own and searched by these parameters alone (ADR 0007).
     */
    public static final String AUDIT_EVENT = "AuditEvent";

    public static final List<String> AUDIT_EVENT_SEARCH_PARAMS = List.of(
            "_id", "_lastUpdated", "date", "patient", "entity", "type", "subtype", "action", "outcome", "altid", "address");

    private ResourceTypes() {}
}
