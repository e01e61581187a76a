package org.overturn.profiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.overturn.criteria.DrugCatalog;
import org.overturn.criteria.KnowledgeModel;

/**
 * What Da Vinci DTR's {@code Questionnaire/$questionnaire-package} returns: for each order of a drug Overturn knows, or
 * each Questionnaire named by canonical, a package Bundle (a collection) holding that PA Questionnaire and the CQL
 * Libraries its initial expressions use (the one its {@code cqf-library} names and those it depends on, each with its
 * CQL and ELM). FHIRHelpers, which every DTR app has, is not in the package. There are no ValueSet entries: the
 * Questionnaires bind no answer sets.
 */
public final class QuestionnairePackages {
    static final String CQF_LIBRARY = "http://hl7.org/fhir/StructureDefinition/cqf-library";
    private final FhirPackage fhirPackage;
    private final DrugCatalog drugs;

    public QuestionnairePackages(FhirPackage fhirPackage, DrugCatalog drugs) {
        this.fhirPackage = fhirPackage;
        this.drugs = drugs;
    }

    /** The packages, and why each order or canonical gave none (for the operation's OperationOutcome). */
    public record Result(List<Bundle> packages, List<String> notFound) {}

    public Result packages(List<IBaseResource> orders, List<String> canonicals) {
        Set<Questionnaire> found = new LinkedHashSet<>();
        List<String> notFound = new ArrayList<>();
        for (IBaseResource order : orders) {
            Optional<KnowledgeModel.Drug> drug = order instanceof MedicationRequest request && request.hasMedicationCodeableConcept()
                    ? recognize(request.getMedicationCodeableConcept()) : Optional.empty();
            Optional<Questionnaire> questionnaire = drug.flatMap(d -> fhirPackage.paQuestionnaire(d.id()));
            questionnaire.ifPresentOrElse(found::add, () -> notFound.add("the " + order.fhirType()
                    + (drug.isPresent() ? " is for " + drug.get().displayName() + ", which has no PA Questionnaire here"
                            : " is not for a drug Overturn has a PA Questionnaire for (orders are MedicationRequests"
                                    + " with medicationCodeableConcept)")));
        }
        for (String canonical : canonicals) {
            String url = canonical.contains("|") ? canonical.substring(0, canonical.indexOf('|')) : canonical;
            String version = canonical.contains("|") ? canonical.substring(canonical.indexOf('|') + 1) : null;
            fhirPackage.resources(Questionnaire.class).stream()
                    .filter(q -> url.equals(q.getUrl()) && (version == null || version.equals(q.getVersion())))
                    .findFirst()
                    .ifPresentOrElse(found::add, () -> notFound.add("no Questionnaire " + canonical + " on this server"));
        }
        List<Bundle> packages = new ArrayList<>();
        for (Questionnaire q : found) {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
            bundle.addEntry().setFullUrl(q.getUrl()).setResource(q.copy());
            for (Library library : libraries(q)) {
                bundle.addEntry().setFullUrl(library.getUrl()).setResource(library.copy());
            }
            packages.add(bundle);
        }
        return new Result(packages, notFound);
    }

    /** The Libraries the Questionnaire's cqf-library extensions name, then those they depend on, each once. */
    private List<Library> libraries(Questionnaire questionnaire) {
        Map<String, Library> byUrl = new LinkedHashMap<>();
        fhirPackage.resources(Library.class).forEach(l -> byUrl.put(l.getUrl(), l));
        Map<String, Library> found = new LinkedHashMap<>();
        java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>();
        questionnaire.getExtensionsByUrl(CQF_LIBRARY).forEach(e -> pending.add(e.getValue().primitiveValue()));
        while (!pending.isEmpty()) {
            String canonical = pending.poll();
            String url = canonical.contains("|") ? canonical.substring(0, canonical.indexOf('|')) : canonical;
            Library library = byUrl.get(url);
            if (library != null && found.putIfAbsent(url, library) == null) {
                library.getRelatedArtifact().stream()
                        .filter(a -> a.getType() == RelatedArtifact.RelatedArtifactType.DEPENDSON && a.hasResource())
                        .forEach(a -> pending.add(a.getResource()));
            }
        }
        return List.copyOf(found.values());
    }

    private Optional<KnowledgeModel.Drug> recognize(CodeableConcept medication) {
        return drugs.recognize(medication.getCoding().stream()
                .map(c -> new DrugCatalog.Coded(c.getSystem(), c.getCode(), c.getDisplay())).toList(), medication.getText());
    }
}
