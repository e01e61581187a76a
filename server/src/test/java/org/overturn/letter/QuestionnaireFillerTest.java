package org.overturn.letter;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;
import org.overturn.criteria.ChartFacts;
import org.overturn.criteria.ChartFacts.Alteration;
import org.overturn.criteria.ChartFacts.BiomarkerFact;
import org.overturn.criteria.ChartFacts.Polarity;
import org.overturn.criteria.Knowledge;
import org.overturn.criteria.KnowledgeLoader;
import org.overturn.profiles.FhirPackage;

/**
 * The biomarker items of a PA Questionnaire are answered with what the criteria would count: a result of the
 * biomarker's kind of change that is not a screen. An ALK point mutation in the "ALK rearrangement" group, or a pan-TRK
 * stain in the "NTRK gene fusion" group, would tell the reader of the form something the chart does not say.
 */
class QuestionnaireFillerTest {
    private static final Knowledge KNOWLEDGE = KnowledgeLoader.load();
    private static final FhirPackage PACKAGE = FhirPackage.load(FhirContext.forR4Cached());

    private static QuestionnaireResponse fill(String drug, String biomarker, BiomarkerFact fact) {
        Questionnaire questionnaire = PACKAGE.paQuestionnaire(drug).orElseThrow();
        Patient patient = new Patient();
        patient.setId("Patient/p1");
        ChartFacts facts = new ChartFacts(null, List.of(), List.of(fact), List.of(), List.of());
        return new QuestionnaireFiller().fill(questionnaire, new QuestionnaireFiller.Sources(patient, new Coverage(), facts,
                List.of(KNOWLEDGE.biomarker(biomarker).orElseThrow()), null, null), new Date());
    }

    private static BiomarkerFact fact(String biomarker, String result, Alteration alteration, boolean screen) {
        return new BiomarkerFact("Observation/o1", biomarker, Polarity.POSITIVE, true, result, "NGS", "2025-02-10", null,
                alteration, screen, null, List.of(), null);
    }

    private static String answer(QuestionnaireResponse response, String linkId) {
        for (QuestionnaireResponse.QuestionnaireResponseItemComponent group : response.getItem()) {
            for (QuestionnaireResponse.QuestionnaireResponseItemComponent item : group.getItem()) {
                if (item.getLinkId().equals(linkId) && item.hasAnswer()) {
                    return item.getAnswerFirstRep().getValue().primitiveValue();
                }
            }
        }
        return null;
    }

    @Test
    void biomarkerItemsWhenTheResultIsOfTheBiomarkersKindThenAnswered() {
        QuestionnaireResponse r = fill("alectinib", "ALK-rearrangement", fact("ALK-rearrangement", "Present", Alteration.FUSION, false));
        assertThat(answer(r, "biomarker-result")).isEqualTo("Present");
        assertThat(answer(r, "biomarker-date")).isEqualTo("2025-02-10");
    }

    @Test
    void biomarkerItemsWhenTheResultIsAPointMutationOrAScreenThenLeftForThePractice() {
        QuestionnaireResponse mutation = fill("alectinib", "ALK-rearrangement",
                fact("ALK-rearrangement", "Present", Alteration.SEQUENCE_CHANGE, false));
        assertThat(answer(mutation, "biomarker-result")).as("a point mutation is no rearrangement result").isNull();
        assertThat(answer(mutation, "biomarker-method")).isNull();
        QuestionnaireResponse screen = fill("larotrectinib", "NTRK-fusion", fact("NTRK-fusion", "Positive", Alteration.UNSPECIFIED, true));
        assertThat(answer(screen, "biomarker-result")).as("a pan-TRK stain only screens").isNull();
    }
}
