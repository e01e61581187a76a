package org.overturn.eligibility;

import java.util.Date;
import java.util.Locale;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse.ItemsComponent;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.overturn.assessment.Assessment;
import org.overturn.criteria.Evaluation;

/** Builds the CoverageEligibilityResponse that carries an assessment, with the extensions defined in fhir-profiles. */
final class EligibilityResponseFactory {
    private final org.overturn.profiles.FhirPackage fhirPackage;
    private final PaDecisionClocks clocks;

    EligibilityResponseFactory(org.overturn.profiles.FhirPackage fhirPackage, PaDecisionClocks clocks) {
        this.fhirPackage = fhirPackage;
        this.clocks = clocks;
    }

    CoverageEligibilityResponse build(
            CoverageEligibilityRequest request, Coverage coverage, Assessment assessment, Date now) {
        CoverageEligibilityResponse response = new CoverageEligibilityResponse();
        response.setStatus(CoverageEligibilityResponse.EligibilityResponseStatus.ACTIVE);
        response.addPurpose(CoverageEligibilityResponse.EligibilityResponsePurpose.AUTHREQUIREMENTS);
        response.setPatient(request.getPatient().copy());
        response.setCreated(now);
        response.setRequest(new Reference(request.getIdElement().toUnqualifiedVersionless().getValue()));
        response.setInsurer(request.getInsurer().copy());
        response.setOutcome(Enumerations.RemittanceOutcome.COMPLETE);
        if (request.hasProvider()) {
            response.setRequestor(request.getProvider().copy());
        }

        var insurance = response.addInsurance();
        // The request names the Coverage as its sender sees it (here, or absolute on an EHR).
        insurance.setCoverage(request.getInsuranceFirstRep().hasCoverage()
                ? request.getInsuranceFirstRep().getCoverage().copy()
                : new Reference(coverage.getIdElement().toUnqualifiedVersionless().getValue()));
        insurance.setInforce(coverage.getStatus() == Coverage.CoverageStatus.ACTIVE);
        ItemsComponent item = insurance.addItem();
        item.setProductOrService(request.getItemFirstRep().getProductOrService().copy());
        // How long the payer may take on a PA request sent now; none when the policy says no PA is needed.
        if (assessment.evaluation().map(Evaluation::paRequired).orElse(true)) {
            clocks.of(assessment, now.toInstant()).forEach(item::addExtension);
        }

        Extension summary = response.addExtension().setUrl(EligibilityExtensions.ASSESSMENT);
        assessment.payer().ifPresent(p -> summary.addExtension("payer", new StringType(p.id())));
        assessment.drug().ifPresent(d -> summary.addExtension("drug", new StringType(d.id())));

        if (assessment.evaluation().isEmpty()) {
            summary.addExtension("status", new CodeType("unknown"));
            summary.addExtension("reason", new StringType(assessment.reason()));
            response.setDisposition("Cannot assess: " + assessment.reason());
            return response;
        }
        Evaluation evaluation = assessment.evaluation().get();
        summary.addExtension("status", new CodeType(evaluation.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        summary.addExtension("policy", new StringType(evaluation.policyId()));
        summary.addExtension("policy-version", new IntegerType(evaluation.policyVersion()));

        item.setAuthorizationRequired(evaluation.paRequired());
        // The questions the payer's PA asks, pre-filled from the chart by Claim/$generate-letter.
        fhirPackage.paQuestionnaire(evaluation.drugId()).ifPresent(q -> item.setAuthorizationUrl(q.getUrl()));
        for (Evaluation.CriterionResult r : evaluation.results()) {
            Extension criterion = item.addExtension().setUrl(EligibilityExtensions.CRITERION);
            criterion.addExtension("id", new StringType(r.id()));
            criterion.addExtension("status", new CodeType(r.status().code()));
            criterion.addExtension("description", new StringType(r.description()));
            criterion.addExtension("required", new BooleanType(r.required()));
            criterion.addExtension("reason", new StringType(r.reason()));
            r.evidence().forEach(ref -> criterion.addExtension("evidence", new Reference(ref)));
            if (r.missingDocumentation() != null) {
                criterion.addExtension("missing-documentation", new StringType(r.missingDocumentation()));
            }
            criterion.addExtension("source", new StringType(r.source()));
        }
        for (String missing : evaluation.missingDocumentation()) {
            item.addExtension(EligibilityExtensions.MISSING_DOCUMENTATION, new StringType(missing));
            item.addAuthorizationSupporting(new CodeableConcept().setText(missing));
        }
        long required = evaluation.results().stream().filter(Evaluation.CriterionResult::required).count();
        long met = evaluation.results().stream()
                .filter(r -> r.required() && r.status() == Evaluation.Status.MET)
                .count();
        String payerName = assessment.payer().map(p -> p.name()).orElse("The payer");
        String drugName = assessment.drug().map(d -> d.displayName()).orElse("the drug");
        response.setDisposition(payerName + (evaluation.paRequired() ? " requires" : " does not require")
                + " prior authorization for " + drugName + "; " + met + " of " + required + " required criteria met"
                + (evaluation.missingDocumentation().isEmpty() ? "" : "; missing: " + String.join("; ", evaluation.missingDocumentation())));
        return response;
    }
}
