package org.overturn.letter;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.KnowledgeModel;
import org.overturn.evidence.FactExtractor;
import org.jspecify.annotations.Nullable;

/**
 * Pre-fills a PA Questionnaire from chart facts, item by linkId. Only what the chart states is answered; every other
 * item stays in the response without an answer, for the practice to complete. Nothing is inferred.
 */
final class QuestionnaireFiller {

    record Sources(
            Patient patient,
            Coverage coverage,
            ChartFacts facts,
            List<KnowledgeModel.Biomarker> biomarkers,
            @Nullable MedicationRequest order,
            @Nullable Practitioner prescriber) {}

    QuestionnaireResponse fill(Questionnaire questionnaire, Sources s, Date now) {
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setQuestionnaire(questionnaire.getUrl() + "|" + questionnaire.getVersion());
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        response.setSubject(new Reference(s.patient().getIdElement().toUnqualifiedVersionless().getValue()));
        response.setAuthored(now);
        for (Questionnaire.QuestionnaireItemComponent item : questionnaire.getItem()) {
            if (item.getLinkId().equals("prior-therapy")) {
                for (ChartFacts.TherapyFact t : s.facts().therapies()) {
                    QuestionnaireResponseItemComponent group = response.addItem().setLinkId(item.getLinkId()).setText(item.getText());
                    answer(group, "therapy-name", item, t.text() == null ? null : new StringType(t.text()));
                    answer(group, "therapy-start", item, date(t.start()));
                    answer(group, "therapy-end", item, date(t.end()));
                    answer(group, "therapy-stop-reason", item, t.stopReason() == null ? null : new StringType(t.stopReason()));
                }
                if (s.facts().therapies().isEmpty()) {
                    emptyGroup(response.addItem(), item);
                }
                continue;
            }
            QuestionnaireResponseItemComponent out = response.addItem().setLinkId(item.getLinkId()).setText(item.getText());
            if (item.getType() == Questionnaire.QuestionnaireItemType.GROUP) {
                for (Questionnaire.QuestionnaireItemComponent child : item.getItem()) {
                    answer(out, child.getLinkId(), item, value(child.getLinkId(), s));
                }
            } else {
                Type v = value(item.getLinkId(), s);
                if (v != null) {
                    out.addAnswer().setValue(v);
                }
            }
        }
        return response;
    }

    private static void emptyGroup(QuestionnaireResponseItemComponent out, Questionnaire.QuestionnaireItemComponent item) {
        out.setLinkId(item.getLinkId()).setText(item.getText());
        item.getItem().forEach(child -> out.addItem().setLinkId(child.getLinkId()).setText(child.getText()));
    }

    private static void answer(QuestionnaireResponseItemComponent group, String linkId, Questionnaire.QuestionnaireItemComponent parent,
            @Nullable Type value) {
        String text = parent.getItem().stream().filter(i -> i.getLinkId().equals(linkId)).map(i -> i.getText()).findFirst().orElse(null);
        QuestionnaireResponseItemComponent child = group.addItem().setLinkId(linkId).setText(text);
        if (value != null) {
            child.addAnswer().setValue(value);
        }
    }

    private static @Nullable Type value(String linkId, Sources s) {
        ChartFacts f = s.facts();
        return switch (linkId) {
            case "patient-name" -> s.patient().hasName() ? new StringType(s.patient().getNameFirstRep().getNameAsSingleString()) : null;
            case "birth-date" -> s.patient().hasBirthDateElement() ? new DateType(s.patient().getBirthDateElement().getValueAsString()) : null;
            case "member-id" -> s.coverage().hasSubscriberId() ? new StringType(s.coverage().getSubscriberId()) : null;
            case "diagnosis-text" -> f.conditions().isEmpty() ? null : new StringType(f.conditions().get(0).text());
            case "diagnosis-icd10" -> f.conditions().stream().flatMap(c -> c.icd10().stream()).reduce((a, b) -> a + ", " + b)
                    .map(v -> (Type) new StringType(v)).orElse(null);
            case "biomarker-result" -> biomarker(s).map(b -> (Type) new StringType(b.result())).orElse(null);
            case "biomarker-method" -> biomarker(s).filter(b -> b.method() != null).map(b -> (Type) new StringType(b.method())).orElse(null);
            case "biomarker-date" -> biomarker(s).map(b -> date(b.date())).orElse(null);
            case "ecog" -> f.observations().stream().filter(o -> o.isFinal() && o.loinc().equals("89247-1")).reduce((a, b) -> b)
                    .flatMap(o -> parseInt(o.value())).map(i -> (Type) new IntegerType(i)).orElse(null);
            case "requested-drug" -> s.order() == null ? null : new StringType(FactExtractor.text(s.order().getMedicationCodeableConcept()));
            case "dosing" -> s.order() == null ? null : s.order().getDosageInstruction().stream().map(d -> d.getText())
                    .filter(t -> t != null).findFirst().map(t -> (Type) new StringType(t)).orElse(null);
            case "urgent" -> s.order() == null || !s.order().hasPriority() ? null
                    : new BooleanType(s.order().getPriority() != MedicationRequest.MedicationRequestPriority.ROUTINE);
            case "prescriber-name" -> s.prescriber() == null ? null : new StringType(s.prescriber().getNameFirstRep().getNameAsSingleString());
            case "prescriber-npi" -> s.prescriber() == null ? null : s.prescriber().getIdentifier().stream()
                    .filter(i -> "http://hl7.org/fhir/sid/us-npi".equals(i.getSystem())).findFirst()
                    .map(i -> (Type) new StringType(i.getValue())).orElse(null);
            default -> null; // not in the chart: left for the practice
        };
    }

    /**
     * The result that answers the biomarker items: a final one of the drug's biomarker and of its kind of change (a
     * point mutation does not answer "ALK rearrangement"), not a screen (a pan-TRK stain does not answer "NTRK
     * fusion"); a positive one first. As the criteria read them: what they set aside is no answer here either.
     */
    private static java.util.Optional<ChartFacts.BiomarkerFact> biomarker(Sources s) {
        List<ChartFacts.BiomarkerFact> relevant = s.facts().biomarkers().stream()
                .filter(b -> b.isFinal() && !b.screen() && s.biomarkers().stream()
                        .anyMatch(k -> k.id().equals(b.biomarkerId()) && b.ofKind(k.alteration())))
                .toList();
        return relevant.stream().filter(b -> b.polarity() == ChartFacts.Polarity.POSITIVE).findFirst()
                .or(() -> relevant.stream().findFirst());
    }

    private static java.util.Optional<Integer> parseInt(String value) {
        try {
            return java.util.Optional.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static @Nullable DateType date(@Nullable String value) {
        return value == null || value.length() < 4 ? null : new DateType(value.length() >= 10 ? value.substring(0, 10) : value);
    }
}
