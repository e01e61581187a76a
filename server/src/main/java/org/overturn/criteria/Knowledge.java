package org.overturn.criteria;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.overturn.platform.InternalMarks;

/**
 * Everything the coverage brain knows, as loaded from the knowledge files (see knowledge/README.md). Immutable;
 * validated by {@link KnowledgeLoader} before anyone sees it. The law (jurisdictions, regimes, appeals) is not here:
 * it is loaded beside it, by the law package, so {@link #fileVersions()} holds the versions of these files only.
 */
public record Knowledge(
        Map<String, List<String>> codeSystems,
        List<KnowledgeModel.Drug> drugs,
        KnowledgeModel.ResultVocabulary results,
        KnowledgeModel.VariantPattern variantPattern,
        List<KnowledgeModel.Biomarker> biomarkers,
        List<KnowledgeModel.Payer> payers,
        List<KnowledgeModel.Policy> policies,
        Map<String, Integer> fileVersions,
        List<KnowledgeModel.DenialReason> denialReasons,
        List<KnowledgeModel.CostProgram> costAssistance,
        Map<String, String> citations,
        List<KnowledgeModel.ChangeType> changeTypes,
        KnowledgeModel.AlterationText alterationText,
        List<KnowledgeModel.DiagnosisMapping> diagnoses,
        List<KnowledgeModel.DiseaseSetting> settings) {

    public Knowledge {
        settings = List.copyOf(settings);
        changeTypes = List.copyOf(changeTypes);
        diagnoses = List.copyOf(diagnoses);
        codeSystems = Map.copyOf(codeSystems);
        drugs = List.copyOf(drugs);
        biomarkers = List.copyOf(biomarkers);
        payers = List.copyOf(payers);
        policies = List.copyOf(policies);
        fileVersions = Map.copyOf(fileVersions);
        denialReasons = List.copyOf(denialReasons);
        costAssistance = List.copyOf(costAssistance);
        citations = Map.copyOf(citations);
    }

    /**
     * How a reader outside the clinic is pointed at a knowledge {@code source}: the {@code citation} the knowledge
     * gives for it, else the source itself when it carries no internal mark ({@link InternalMarks}); empty when
     * neither, and the source then stays in the Provenance only.
     */
    public Optional<String> publicCitation(String source) {
        String citation = citations.get(source.replace(" (" + KnowledgeModel.UNVERIFIED + ")", ""));
        if (citation != null) {
            return Optional.of(citation);
        }
        return InternalMarks.find(source).isEmpty() ? Optional.of(source) : Optional.empty();
    }

    /** The cost-assistance programs the sources name for {@code drugId}, for a patient in {@code state} covered by {@code payerId}. */
    public List<KnowledgeModel.CostProgram> costAssistance(String drugId, @Nullable String state,
            @Nullable String payerId) {
        return costAssistance.stream().filter(p -> p.appliesTo(drugId, state, payerId)).toList();
    }

    /** The denial reason and CARC code for an unmet criterion of {@code kind}; the loader checks every kind has one. */
    public KnowledgeModel.DenialReason denialReason(KnowledgeModel.Kind kind) {
        return denialReasons.stream().filter(d -> d.kind() == kind).findFirst().orElseThrow();
    }

    /** How a chart shows the disease setting {@code id} (disease-settings.yaml). */
    public Optional<KnowledgeModel.DiseaseSetting> setting(String id) {
        return settings.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The ICD-10-CM categories diagnoses.yaml maps a SNOMED CT concept to, with the mapping's source. */
    public Optional<KnowledgeModel.DiagnosisMapping> diagnosisMapping(String snomed) {
        return diagnoses.stream().filter(d -> d.snomed().equals(snomed)).findFirst();
    }

    /** The kind of change (fusion, sequence-change, other) a DNA change type answer says, if the knowledge has it. */
    public Optional<KnowledgeModel.ChangeType> changeType(String system, String code) {
        return changeTypes.stream().filter(t -> t.code().equals(code) && isSystem(t.system(), system)).findFirst();
    }

    public Optional<KnowledgeModel.Drug> drug(String id) {
        return drugs.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    public Optional<KnowledgeModel.Biomarker> biomarker(String id) {
        return biomarkers.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    public Optional<KnowledgeModel.Payer> payer(String id) {
        return payers.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The policy of {@code payerId} for {@code drugId}, if the payer has one. */
    public Optional<KnowledgeModel.Policy> policy(String payerId, String drugId) {
        return policies.stream().filter(p -> p.payer().equals(payerId) && p.drug().equals(drugId)).findFirst();
    }

    /** Whether {@code uri} is one of the URIs of the code system called {@code shortName} here. */
    public boolean isSystem(String shortName, String uri) {
        List<String> uris = codeSystems.get(shortName);
        return uris != null && uris.contains(uri);
    }
}
