package org.overturn.letter;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.overturn.assessment.Assessment;
import org.overturn.assessment.Assessor;
import org.overturn.criteria.Evaluation;
import org.overturn.platform.Canonical;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.ResourceStore;
import org.overturn.store.StoredResource;
import org.jspecify.annotations.Nullable;

/**
 * Claim/$generate-letter: assesses the PA Claim's case, writes the letter, and stores it as a DocumentReference
 * (Markdown and PDF) with a Provenance naming the chart resources and the policy version it rests on.
 */
public final class LetterService {
    public static final String MEDICAL_NECESSITY = "medical-necessity";

    private final ResourceStore store;
    private final Assessor assessor;
    private final LetterComposer composer;
    private final org.overturn.profiles.FhirPackage fhirPackage;
    private final org.overturn.evidence.FactExtractor facts;
    private final org.overturn.criteria.Knowledge knowledge;
    private final QuestionnaireFiller filler = new QuestionnaireFiller();
    private final Clock clock;

    public LetterService(
            ResourceStore store,
            Assessor assessor,
            LetterComposer composer,
            org.overturn.profiles.FhirPackage fhirPackage,
            org.overturn.evidence.FactExtractor facts,
            org.overturn.criteria.Knowledge knowledge,
            Clock clock) {
        this.knowledge = knowledge;
        this.store = store;
        this.assessor = assessor;
        this.composer = composer;
        this.fhirPackage = fhirPackage;
        this.facts = facts;
        this.clock = clock;
    }

    /** The rendered letter and the resources stored for it; the questionnaire response is absent when no PA Questionnaire exists for the drug. */
    public record Generated(
            DocumentReference document, Provenance provenance, @Nullable QuestionnaireResponse questionnaireResponse, String markdown, byte[] pdf) {}

    /**
     * The drug an order names: its code, or the code of the Medication it references (stored here); null when it names
     * none, which the caller reports as a problem with the Claim.
     */
    private @Nullable CodeableConcept orderedDrug(MedicationRequest order) {
        if (order.hasMedicationCodeableConcept()) {
            return order.getMedicationCodeableConcept();
        }
        if (order.hasMedicationReference()) {
            return store.find(order.getMedicationReference().getReference())
                    .map(m -> ((org.hl7.fhir.r4.model.Medication) m.content()).getCode())
                    .filter(c -> !c.isEmpty())
                    .orElse(null);
        }
        return null;
    }

    public Generated generate(String claimId, String kind) {
        if (!MEDICAL_NECESSITY.equals(kind)) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST,
                    "kind '" + kind + "' is not supported; supported: " + MEDICAL_NECESSITY, "Parameters.parameter[kind]");
        }
        Claim claim = (Claim) store.read("Claim", claimId).content();
        List<String> problems = new ArrayList<>();
        if (claim.getUse() != Claim.Use.PREAUTHORIZATION) {
            problems.add("Claim.use must be preauthorization");
        }
        String patientId = id(claim.getPatient(), "Patient", "Claim.patient", problems);
        String coverageId = id(claim.getInsuranceFirstRep().getCoverage(), "Coverage", "Claim.insurance[0].coverage", problems);
        MedicationRequest order = null;
        if (claim.hasPrescription() && "MedicationRequest".equals(claim.getPrescription().getReferenceElement().getResourceType())) {
            order = (MedicationRequest) store.read("MedicationRequest", claim.getPrescription().getReferenceElement().getIdPart()).resource();
        }
        CodeableConcept product = claim.getItemFirstRep().hasProductOrService()
                ? claim.getItemFirstRep().getProductOrService()
                : order != null ? orderedDrug(order) : null;
        if (product == null) {
            problems.add("Claim.item[0].productOrService (or Claim.prescription) must name the requested drug");
        }
        if (!problems.isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, "Claim/" + claimId + " cannot be used for a letter: "
                    + String.join("; ", problems), "Claim");
        }
        Assessment assessment = assessor.assess(patientId, coverageId,
                Objects.requireNonNull(product, "a Claim without its drug was refused above"), "Claim.insurance[0].coverage");
        if (assessment.drug().isEmpty()) {
            throw new OverturnException(ErrorCode.INVALID_RESOURCE, "The Claim's drug is not one Overturn knows: " + assessment.reason(),
                    "Claim.item[0].productOrService");
        }
        MedicationRequest theOrder = order;
        Practitioner prescriber = prescriber(claim, order);
        Letter letter = LetterPublisher.publish(composer.medicalNecessity(assessment, order, prescriber, LocalDate.now(clock)));
        String markdown = MarkdownRenderer.render(letter);
        byte[] pdf = PdfRenderer.render(letter);
        Date now = Date.from(clock.instant());

        QuestionnaireResponse prefilled = fhirPackage.paQuestionnaire(assessment.drug().get().id())
                .map(q -> filler.fill(q, new QuestionnaireFiller.Sources(
                        assessment.chart().patient(), assessment.coverage(),
                        facts.facts(assessment.chart(), theOrder == null ? null : theOrder.getIdElement().toUnqualifiedVersionless().getValue()),
                        assessment.drug().get().indications().stream().map(i -> i.biomarker()).filter(b -> b != null)
                                .flatMap(b -> knowledge.biomarker(b).stream()).distinct().toList(),
                        theOrder, prescriber), now))
                .orElse(null);

        return store.inTransaction(() -> {
            StoredResource storedResponse = prefilled == null ? null : store.create(prefilled, null).stored();
            List<String> related = new ArrayList<>(List.of("Claim/" + claimId));
            if (storedResponse != null) {
                related.add(storedResponse.type() + "/" + storedResponse.id());
            }
            DocumentReference doc = LetterDocuments.document(letter, markdown, pdf, CaseDocuments.Kind.MEDICAL_NECESSITY_LETTER,
                    "Patient/" + patientId,
                    prescriber == null ? null : prescriber.getIdElement().toUnqualifiedVersionless().getValue(), related, now);
            StoredResource stored = store.create(doc, null).stored();

            List<String> targets = new ArrayList<>(List.of(stored.versionedReference()));
            if (storedResponse != null) {
                targets.add(storedResponse.versionedReference());
            }
            List<String> policies = assessment.evaluation()
                    .map(e -> List.of(Canonical.BASE + "/knowledge/policy/" + e.policyId() + "|" + e.policyVersion()))
                    .orElse(List.of());
            Provenance provenance = LetterDocuments.provenance(targets, sources(assessment, claimId, theOrder), policies, now);
            Provenance storedProvenance = (Provenance) store.create(provenance, null).stored().content();
            return new Generated((DocumentReference) stored.content(), storedProvenance,
                    storedResponse == null ? null : (QuestionnaireResponse) storedResponse.resource(), markdown, pdf);
        });
    }

    static Set<String> sources(Assessment assessment, String claimId, @Nullable MedicationRequest order) {
        Set<String> refs = new LinkedHashSet<>();
        refs.add("Claim/" + claimId);
        refs.add(assessment.chart().patient().getIdElement().toUnqualifiedVersionless().getValue());
        refs.add(assessment.coverage().getIdElement().toUnqualifiedVersionless().getValue());
        if (order != null) {
            refs.add(order.getIdElement().toUnqualifiedVersionless().getValue());
        }
        assessment.evaluation().ifPresent(e -> {
            for (Evaluation.CriterionResult r : e.results()) {
                refs.addAll(r.evidence());
            }
        });
        assessment.chart().conditions().forEach(c -> refs.add(c.getIdElement().toUnqualifiedVersionless().getValue()));
        assessment.chart().medicationStatements().forEach(s -> refs.add(s.getIdElement().toUnqualifiedVersionless().getValue()));
        return refs;
    }

    private @Nullable Practitioner prescriber(Claim claim, @Nullable MedicationRequest order) {
        Reference ref = claim.hasProvider() ? claim.getProvider() : order != null ? order.getRequester() : null;
        if (ref == null || !"Practitioner".equals(ref.getReferenceElement().getResourceType())) {
            return null;
        }
        return store.find("Practitioner/" + ref.getReferenceElement().getIdPart())
                .map(s -> (Practitioner) s.resource()).orElse(null);
    }

    private static String id(Reference ref, String type, String where, List<String> problems) {
        if (ref == null || !ref.hasReference() || !type.equals(ref.getReferenceElement().getResourceType())) {
            problems.add(where + " must reference a " + type);
            return "";
        }
        return ref.getReferenceElement().getIdPart();
    }
}
