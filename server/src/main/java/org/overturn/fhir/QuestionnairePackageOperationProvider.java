package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.QuestionnairePackages;

/**
 * {@code POST /fhir/Questionnaire/$questionnaire-package} (Da Vinci DTR 2.0): the inputs are read here, the packages
 * made by {@link QuestionnairePackages}.
 */
final class QuestionnairePackageOperationProvider {
    private final QuestionnairePackages packages;

    QuestionnairePackageOperationProvider(QuestionnairePackages packages) {
        this.packages = packages;
    }

    /**
     * Answers 200 with a {@code PackageBundle} per Questionnaire found and an {@code operationOutcome} naming what gave
     * none; 400 when the input names no order, questionnaire or context (DTR's dtr-1).
     */
    @Operation(name = "$questionnaire-package", type = Questionnaire.class, idempotent = false)
    public Parameters questionnairePackage(@ResourceParam Parameters input) {
        List<IBaseResource> orders = new ArrayList<>();
        List<String> canonicals = new ArrayList<>();
        boolean context = false;
        for (Parameters.ParametersParameterComponent p : input.getParameter()) {
            switch (p.getName() == null ? "" : p.getName()) {
                case "order" -> {
                    if (p.hasResource()) {
                        orders.add(p.getResource());
                    }
                }
                case "questionnaire" -> {
                    if (p.getValue() instanceof PrimitiveType<?> value && value.getValueAsString() != null) {
                        canonicals.add(value.getValueAsString());
                    }
                }
                case "context" -> context = true;
                default -> { } // coverage and others: Overturn's Questionnaires do not differ by plan
            }
        }
        if (orders.isEmpty() && canonicals.isEmpty() && !context) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "Name at least one 'order' (a resource), 'questionnaire'"
                    + " (a canonical) or 'context' parameter (DTR dtr-1)", "Parameters.parameter");
        }
        QuestionnairePackages.Result result = packages.packages(orders, canonicals);
        Parameters output = new Parameters();
        result.packages().forEach(b -> output.addParameter().setName("PackageBundle").setResource(b));
        if (!result.notFound().isEmpty() || result.packages().isEmpty()) {
            OperationOutcome outcome = new OperationOutcome();
            List<String> reasons = result.notFound().isEmpty() ? List.of("nothing to package for this context") : result.notFound();
            reasons.forEach(reason -> outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.NOTFOUND).setDiagnostics(reason));
            output.addParameter().setName("operationOutcome").setResource(outcome);
        }
        return output;
    }
}
