package org.overturn.pas;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.assessment.Assessment;
import org.overturn.assessment.Assessor;
import org.overturn.criteria.Evaluation;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.evidence.Chart;
import org.overturn.platform.Sha256;
import org.overturn.profiles.PasProfiles;

/**
 * The built-in payer for demos and interoperability tests: decides each item deterministically from the knowledge
 * files, looking only at what the PAS Bundle carries (as a real payer would). All required criteria met: A1 with an
 * authorization number derived from the Claim identifier. A required criterion not met: A3 with the denial reason and
 * CARC code the knowledge gives for the criterion's kind (an unapproved drug: experimental/investigational). Otherwise,
 * when something required cannot be decided from the Bundle: A4, listing the documentation that would decide it.
 * An item no policy covers: A4 for review, saying why (or A1, when set so for test suites).
 * A pended request stays pended until the provider sends a new request with that documentation. An item the request
 * withdraws ({@link Cancellations}) is answered C (cancelled) and not assessed.
 */
final class SandboxPayer {
    private final Assessor assessor;
    private final Knowledge knowledge;
    private final PasProperties.Unmatched unmatched;

    SandboxPayer(Assessor assessor, Knowledge knowledge, PasProperties.Unmatched unmatched) {
        this.assessor = assessor;
        this.knowledge = knowledge;
        this.unmatched = unmatched;
    }

    PayerDecision adjudicate(PasRequest request) {
        Claim claim = request.claim();
        Patient patient = request.resolve(claim.getPatient(), Patient.class).orElseThrow(() -> unresolved("Claim.patient", "Patient"));
        Organization insurer = request.resolve(claim.getInsurer(), Organization.class)
                .orElseThrow(() -> unresolved("Claim.insurer", "Organization"));
        Claim.InsuranceComponent insurance = claim.getInsurance().stream()
                .filter(Claim.InsuranceComponent::getFocal).findFirst().orElse(claim.getInsuranceFirstRep());
        Coverage coverage = request.resolve(insurance.getCoverage(), Coverage.class)
                .orElseThrow(() -> unresolved("Claim.insurance.coverage", "Coverage"));
        Chart chart = new Chart(patient, request.all(Condition.class), request.all(Observation.class),
                request.all(DiagnosticReport.class), request.all(MedicationStatement.class),
                request.all(MedicationRequest.class), request.all(Procedure.class), request.all(AllergyIntolerance.class));

        String authorization = authorizationNumber(claim);
        List<PayerDecision.ItemDecision> items = new ArrayList<>();
        String payer = insurer.getName();
        for (int i = 0; i < claim.getItem().size(); i++) {
            Claim.ItemComponent item = claim.getItem().get(i);
            CodeableConcept product = product(item, request);
            if (Cancellations.itemCancelled(claim, item)) {
                items.add(new PayerDecision.ItemDecision(item.getSequence(), name(product),
                        PayerDecision.ReviewAction.CANCELLED, null, List.of(), List.of(), "withdrawn by the provider", null, null));
                continue; // withdrawn: not decided again
            }
            Assessment assessment = assessor.assess(chart, coverage, insurer, product);
            if (assessment.evaluation().isEmpty()) {
                items.add(unmatched(item.getSequence(), product, assessment.reason(), authorization));
                continue;
            }
            payer = assessment.payer().map(KnowledgeModel.Payer::name).orElse(payer);
            Evaluation evaluation = assessment.evaluation().get();
            String drug = assessment.drug().map(KnowledgeModel.Drug::displayName).orElse(product.getText());
            items.add(decide(item.getSequence(), drug, evaluation, authorization));
        }
        boolean anyApproved = items.stream().anyMatch(d -> d.action() == PayerDecision.ReviewAction.APPROVED);
        return new PayerDecision(items, anyApproved ? authorization : null, payer);
    }

    /**
     * An item no policy in the knowledge files covers (another payer, another drug). PAS asks for an answer, not an
     * error: pended for a person to review, saying why; or approved, where a test suite needs the flow to run end to
     * end (overturn.pas.sandbox.unmatched).
     */
    private PayerDecision.ItemDecision unmatched(int sequence, CodeableConcept product, String reason, String authorization) {
        String what = name(product);
        String policy = "no policy";
        return unmatched == PasProperties.Unmatched.APPROVE
                ? new PayerDecision.ItemDecision(sequence, what, PayerDecision.ReviewAction.APPROVED,
                        authorization + "-" + sequence, List.of(), List.of(), policy, null, null)
                : new PayerDecision.ItemDecision(sequence, what, PayerDecision.ReviewAction.PENDED, null, List.of(),
                        List.of(), policy, reason + "; the sandbox payer refers it to a person for review", null);
    }

    private static String name(CodeableConcept product) {
        return product.hasText() ? product.getText()
                : product.getCoding().stream().map(c -> c.hasDisplay() ? c.getDisplay() : c.getCode()).findFirst().orElse("item");
    }

    private PayerDecision.ItemDecision decide(int sequence, String drug, Evaluation evaluation, String authorization) {
        String policy = evaluation.policyId() + " v" + evaluation.policyVersion();
        return switch (evaluation.outcome()) {
            case CRITERIA_MET -> new PayerDecision.ItemDecision(sequence, drug, PayerDecision.ReviewAction.APPROVED,
                    authorization + "-" + sequence, List.of(), List.of(), policy, null,
                    Optional.ofNullable(policy(evaluation).approval()).map(KnowledgeModel.Approval::months).orElse(null));
            case CRITERIA_NOT_MET -> new PayerDecision.ItemDecision(sequence, drug, PayerDecision.ReviewAction.DENIED,
                    null, denials(evaluation), List.of(), policy, null, null);
            case INCOMPLETE -> new PayerDecision.ItemDecision(sequence, drug, PayerDecision.ReviewAction.PENDED,
                    null, List.of(), evaluation.missingDocumentation(), policy, null, null);
        };
    }

    private KnowledgeModel.Policy policy(Evaluation evaluation) {
        return knowledge.policies().stream().filter(p -> p.id().equals(evaluation.policyId())).findFirst().orElseThrow();
    }

    /** One denial per required criterion not met, with the reason and CARC code of the criterion's kind. */
    private List<PayerDecision.Denial> denials(Evaluation evaluation) {
        KnowledgeModel.Policy policy = policy(evaluation);
        List<PayerDecision.Denial> out = new ArrayList<>();
        for (Evaluation.CriterionResult result : evaluation.results()) {
            if (!result.required() || result.status() != Evaluation.Status.NOT_MET) {
                continue;
            }
            KnowledgeModel.Kind kind = policy.criteria().stream()
                    .filter(c -> c.id().equals(result.id())).findFirst().orElseThrow().kind();
            KnowledgeModel.DenialReason reason = knowledge.denialReason(kind);
            out.add(new PayerDecision.Denial(result.id(), reason.carc(), reason.display(), reason.reason(), result.reason()));
        }
        return out;
    }

    /** What the item asks for: the requested order's medication, with the item's own product codes. */
    private static CodeableConcept product(Claim.ItemComponent item, PasRequest request) {
        CodeableConcept product = item.getProductOrService().copy();
        Extension requested = item.getExtensionByUrl(PasProfiles.REQUESTED_SERVICE);
        if (requested != null && requested.getValue() instanceof Reference ref) {
            Optional<MedicationRequest> order = request.resolve(ref, MedicationRequest.class);
            CodeableConcept medication = order.filter(MedicationRequest::hasMedicationCodeableConcept)
                    .map(MedicationRequest::getMedicationCodeableConcept)
                    .or(() -> order.filter(MedicationRequest::hasMedicationReference)
                            .flatMap(o -> request.resolve(o.getMedicationReference(), Medication.class))
                            .map(Medication::getCode))
                    .orElse(null);
            if (medication != null) {
                medication.getCoding().forEach(c -> product.addCoding(c.copy()));
                if (medication.hasText()) {
                    product.setText(medication.getText());
                }
            }
        }
        return product;
    }

    /** Deterministic: the same Claim identifier always gets the same number. */
    static String authorizationNumber(Claim claim) {
        Identifier id = claim.getIdentifierFirstRep();
        byte[] digest = Sha256.of(id.getSystem() + "|" + id.getValue());
        return "SBX-" + HexFormat.of().formatHex(digest, 0, 6).toUpperCase(Locale.ROOT);
    }

    /** The Bundle reader checks these references; one it let through that does not resolve is still the client's to fix. */
    private static org.overturn.platform.OverturnException unresolved(String element, String type) {
        return new org.overturn.platform.OverturnException(org.overturn.platform.ErrorCode.INVALID_BUNDLE,
                element + " must reference a " + type + " entry of the Bundle", element);
    }
}
