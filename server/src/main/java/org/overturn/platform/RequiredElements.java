package org.overturn.platform;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Checks that every element the R4 base definition requires (minimum cardinality 1) is present, at any depth, in
 * one cheap walk over the parsed resource: the FHIR edge runs it on every resource written, and features that take
 * resources inside a request (the entries of a PAS Bundle) run it on each. Finer checks (bindings, invariants, profiles) belong to profile
 * validation, which later features run where a profile applies.
 */
public final class RequiredElements {
    private static final int MAX_ISSUES = 20;

    private final FhirContext ctx;

    public RequiredElements(FhirContext ctx) {
        this.ctx = ctx;
    }

    /** Throws INVALID_RESOURCE (422) listing every missing element. */
    public void check(IBaseResource resource) {
        List<String> missing = new ArrayList<>();
        BaseRuntimeElementCompositeDefinition<?> def = ctx.getResourceDefinition(resource);
        walk(resource, def, def.getName(), missing);
        if (!missing.isEmpty()) {
            throw new InvalidResourceException(missing);
        }
    }

    private void walk(IBase element, BaseRuntimeElementCompositeDefinition<?> def, String path, List<String> missing) {
        for (BaseRuntimeChildDefinition child : def.getChildren()) {
            String name = child.getElementName();
            if (name.equals("extension") || name.equals("modifierExtension") || name.equals("contained")) {
                continue;
            }
            List<IBase> values = child.getAccessor().getValues(element);
            if (values.isEmpty()) {
                if (child.getMin() > 0 && missing.size() < MAX_ISSUES) {
                    missing.add(path + "." + name);
                }
                continue;
            }
            for (int i = 0; i < values.size(); i++) {
                IBase value = values.get(i);
                BaseRuntimeElementDefinition<?> valueDef = ctx.getElementDefinition(value.getClass());
                if (valueDef instanceof BaseRuntimeElementCompositeDefinition<?> composite
                        && !(value instanceof IBaseResource)) {
                    String childPath = path + "." + name + (child.getMax() == 1 ? "" : "[" + i + "]");
                    walk(value, composite, childPath, missing);
                }
            }
        }
    }

    /** 422 with one issue per missing element. */
    public static final class InvalidResourceException extends OverturnException {
        private final List<String> missing;

        InvalidResourceException(List<String> missing) {
            super(
                    ErrorCode.INVALID_RESOURCE,
                    "Required element(s) missing: " + String.join(", ", missing),
                    missing.get(0));
            this.missing = List.copyOf(missing);
        }

        public OperationOutcome outcome() {
            OperationOutcome outcome = new OperationOutcome();
            for (String path : missing) {
                var issue = outcome.addIssue()
                        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                        .setCode(OperationOutcome.IssueType.REQUIRED)
                        .setDiagnostics("Required element " + path + " is missing");
                issue.addExpression(path);
                issue.getDetails().addCoding().setSystem(ErrorCode.SYSTEM).setCode(ErrorCode.INVALID_RESOURCE.code());
            }
            return outcome;
        }
    }
}
