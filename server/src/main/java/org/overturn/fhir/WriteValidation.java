package org.overturn.fhir;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.ProfileValidation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profile validation of what clients write (create, update, transaction and batch entries), per type: {@code off}
 * (the default: HAPI's instance validator costs milliseconds per resource), {@code warn} (stored; the errors are
 * logged) or {@code reject} (422 with the validator's OperationOutcome, nothing stored). The validator is the one
 * behind {@code $validate}: core R4 and this server's package, against the profiles the resource claims.
 */
final class WriteValidation {
    private static final Logger log = LoggerFactory.getLogger(WriteValidation.class);

    enum Mode {
        OFF,
        WARN,
        REJECT
    }

    private final ProfileValidation validation;
    private final Mode all;
    private final Map<String, Mode> byType;

    WriteValidation(ProfileValidation validation, FhirProperties.ValidateOnWrite settings, java.util.Set<String> types) {
        this.validation = validation;
        this.all = settings.all();
        for (String type : settings.types().keySet()) {
            if (!types.contains(type)) {
                throw new IllegalStateException("overturn.fhir.validate-on-write.types." + type + ": " + type
                        + " is not a resource type this server stores");
            }
        }
        this.byType = Map.copyOf(settings.types());
    }

    /** Whether any type is validated on write. */
    boolean enabled() {
        return all != Mode.OFF || byType.values().stream().anyMatch(m -> m != Mode.OFF);
    }

    void check(IBaseResource resource) {
        Mode mode = byType.getOrDefault(resource.fhirType(), all);
        if (mode == Mode.OFF) {
            return;
        }
        OperationOutcome outcome = validation.validate(resource, null);
        List<OperationOutcome.OperationOutcomeIssueComponent> errors = outcome.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .toList();
        if (errors.isEmpty()) {
            return;
        }
        if (mode == Mode.WARN) {
            log.warn("{} written with {} validation error(s), first: {}", resource.fhirType(), errors.size(),
                    errors.get(0).getDiagnostics());
            return;
        }
        // Errors first: a client (and a test suite) reads the first issue as the reason for the 422.
        List<OperationOutcome.OperationOutcomeIssueComponent> ordered = new java.util.ArrayList<>(errors);
        outcome.getIssue().stream().filter(i -> !errors.contains(i)).forEach(ordered::add);
        outcome.setIssue(ordered);
        throw new Rejected(resource.fhirType(), outcome);
    }

    /** A resource the validator found errors in, with its OperationOutcome (all issues, warnings included). */
    static final class Rejected extends OverturnException {
        private final String type;
        private final transient OperationOutcome outcome;

        Rejected(String type, OperationOutcome outcome) {
            super(ErrorCode.INVALID_RESOURCE, "The " + type + " does not validate against its profiles; this server"
                    + " rejects invalid " + type + " writes (see the issues)");
            this.type = type;
            this.outcome = outcome;
        }

        OperationOutcome outcome() {
            return outcome;
        }

        /** The same, each issue's diagnostics prefixed with where in a Bundle the resource was. */
        Rejected in(String label) {
            OperationOutcome copy = outcome.copy();
            copy.getIssue().forEach(i -> i.setDiagnostics(label + ": " + i.getDiagnostics()));
            return new Rejected(type, copy);
        }
    }
}
