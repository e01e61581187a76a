package org.overturn.fhir;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What each operation reads and writes, so that a token is checked for exactly that before the operation runs
 * (403 naming the missing scope). The store then checks every resource the operation reads, reference by reference,
 * against the same token (security.AccessCheckedStore): a patient-scoped token reaches only its patient's chart. An
 * operation that stores resources it was sent ({@code $submit}) or answers by identifiers across patients
 * ({@code $inquire}) needs a user or system scope; an operation not declared here needs a token reaching everything.
 */
final class OperationScopes {
    /**
     * One operation's declaration.
     *
     * @param patientScopes whether a patient-scoped token may call it (its reads are then held to the compartment)
     * @param reads the types it reads (read and search)
     * @param writes the types it creates or updates
     * @param writesTarget whether it updates the resource it is called on, which a patient-scoped token may then do
     *     only as it may update that resource by PUT: in its compartment alone
     */
    record Declaration(boolean patientScopes, Set<String> reads, Set<String> writes, boolean writesTarget) {
        Declaration(boolean patientScopes, Set<String> reads, Set<String> writes) {
            this(patientScopes, reads, writes, false);
        }
    }

    /** The chart and case a document is written from. */
    private static final Set<String> CASE = Set.of(
            "Claim", "ClaimResponse", "Patient", "Coverage", "Condition", "Observation", "DiagnosticReport",
            "MedicationRequest", "MedicationStatement", "Medication", "Procedure", "AllergyIntolerance",
            "Practitioner", "PractitionerRole", "Organization", "DocumentReference", "Task", "Questionnaire",
            "QuestionnaireResponse", "CoverageEligibilityRequest", "CoverageEligibilityResponse");
    private static final Set<String> DOCUMENT = Set.of("DocumentReference", "Provenance");

    private static final Map<String, Declaration> DECLARED = Map.ofEntries(
            Map.entry("Claim/$generate-letter", new Declaration(true, CASE, union(DOCUMENT, Set.of("QuestionnaireResponse")))),
            Map.entry("Claim/$patient-summary", new Declaration(true, CASE, DOCUMENT)),
            Map.entry("Claim/$fax-packet", new Declaration(true, CASE, DOCUMENT)),
            Map.entry("DocumentReference/$render-pdf",
                    new Declaration(true, Set.of("DocumentReference"), Set.of("DocumentReference"), true)),
            Map.entry("ClaimResponse/$appeal", new Declaration(true, CASE, union(DOCUMENT, Set.of("Task")))),
            Map.entry("Task/$external-review", new Declaration(true, CASE, union(DOCUMENT, Set.of("Task")))),
            Map.entry("Questionnaire/$questionnaire-package",
                    new Declaration(true, Set.of("Questionnaire", "Coverage"), Set.of())),
            // Task: the PA Task it creates, and a claim update's end of the earlier request's open Tasks.
            Map.entry("Claim/$submit", new Declaration(false, CASE, Set.of("Claim", "ClaimResponse", "Bundle", "Patient",
                    "Coverage", "Organization", "Practitioner", "PractitionerRole", "MedicationRequest", "Provenance", "Task"))),
            Map.entry("Claim/$inquire", new Declaration(false, Set.of("Claim", "ClaimResponse", "Patient", "Organization",
                    "Practitioner", "PractitionerRole", "Coverage", "Task"), Set.of())),
            Map.entry("CoverageEligibilityRequest/$submit", new Declaration(false, CASE,
                    Set.of("CoverageEligibilityRequest", "CoverageEligibilityResponse"))),
            // Each client sees only its own Subscriptions (the store checks their owner); the resources an $events
            // answer carries are read through the store under the same token, each checked as any read.
            Map.entry("Subscription/$status", new Declaration(false, Set.of("Subscription"), Set.of())),
            Map.entry("Subscription/$events", new Declaration(false, Set.of("Subscription"), Set.of())));

    private OperationScopes() {}

    /** The declaration of {@code operation} (with its {@code $}) on {@code type}, or null when it has none. */
    static @Nullable Declaration of(@Nullable String type, @Nullable String operation) {
        return type == null || operation == null ? null : DECLARED.get(type + "/" + operation);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
