package org.overturn.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.Objects;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * FHIR validation with HAPI's instance validator: the core R4 definitions, Overturn's own package (its profiles,
 * extensions, value sets and code systems), and the code systems that can be checked without a terminology server.
 * A code from a system that cannot be checked here (LOINC, SNOMED CT, RxNorm) is a warning, not an error. Built on
 * first use (a second or two), which {@link #warm} does off the request path after start-up.
 */
public final class ProfileValidation {
    private static final Logger log = LoggerFactory.getLogger(ProfileValidation.class);

    private final FhirContext ctx;
    private final FhirPackage fhirPackage;
    private volatile @Nullable FhirValidator validator;
    private volatile @Nullable ValidationSupportChain support;

    public ProfileValidation(FhirContext ctx, FhirPackage fhirPackage) {
        this.ctx = ctx;
        this.fhirPackage = fhirPackage;
    }

    /** The issues of {@code resource}, against {@code profile} too when given; an OperationOutcome always. */
    public OperationOutcome validate(IBaseResource resource, @Nullable String profile) {
        return outcome(validator().validateWithResult(resource, options(profile)));
    }

    private static ValidationOptions options(@Nullable String profile) {
        ValidationOptions options = new ValidationOptions();
        if (profile != null && !profile.isBlank()) {
            options.addProfile(profile);
        }
        return options;
    }

    private static OperationOutcome outcome(ValidationResult result) {
        OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
        if (outcome.getIssue().isEmpty()) {
            outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                    .setDiagnostics("No issues found");
        }
        return outcome;
    }

    /** Whether {@code url} names a profile the validator knows (core R4 or this package). */
    public boolean knowsProfile(String url) {
        validator();
        return Objects.requireNonNull(support, "set by validator()").fetchStructureDefinition(url) != null;
    }

    /** Builds the validator and validates one small resource, so that the first client does not wait for it. */
    public void warm() {
        long start = System.nanoTime();
        validate(new org.hl7.fhir.r4.model.Patient().setActive(true), null);
        log.info("FHIR validator ready in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private FhirValidator validator() {
        FhirValidator v = validator;
        if (v == null) {
            synchronized (this) {
                if (validator == null) {
                    support = chain();
                    FhirValidator built = ctx.newValidator();
                    built.registerValidatorModule(new FhirInstanceValidator(support));
                    validator = built;
                }
                v = validator;
            }
        }
        return v;
    }

    private ValidationSupportChain chain() {
        PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(ctx);
        fhirPackage.resources(StructureDefinition.class).forEach(own::addStructureDefinition);
        fhirPackage.resources(ValueSet.class).forEach(own::addValueSet);
        fhirPackage.resources(CodeSystem.class).forEach(own::addCodeSystem);
        UnknownCodeSystemWarningValidationSupport unknownSystems = new UnknownCodeSystemWarningValidationSupport(ctx);
        unknownSystems.setNonExistentCodeSystemSeverity(
                ca.uhn.fhir.context.support.IValidationSupport.IssueSeverity.WARNING);
        return new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx),
                own,
                new CommonCodeSystemsTerminologyService(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx),
                unknownSystems);
    }
}
