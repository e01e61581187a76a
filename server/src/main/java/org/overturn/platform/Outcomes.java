package org.overturn.platform;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.jspecify.annotations.Nullable;

/** Builds the OperationOutcomes Overturn answers with. */
public final class Outcomes {
    private Outcomes() {}

    public static OperationOutcome error(ErrorCode code, @Nullable String message) {
        return error(code, message, null);
    }

    public static OperationOutcome error(ErrorCode code, @Nullable String message, @Nullable String expression) {
        OperationOutcome outcome = new OperationOutcome();
        var issue = outcome.addIssue()
                .setSeverity(code.httpStatus() >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR)
                .setCode(code.issueType())
                .setDiagnostics(message)
                .setDetails(new CodeableConcept().setText(message));
        issue.getDetails().addCoding().setSystem(ErrorCode.SYSTEM).setCode(code.code());
        if (expression != null) {
            issue.addExpression(expression);
        }
        return outcome;
    }

    public static OperationOutcome information(String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics(message);
        return outcome;
    }
}
