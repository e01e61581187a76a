package org.overturn.cases;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.junit.jupiter.api.Test;
import org.overturn.profiles.PasProfiles;

/** What a payer decided and why, read from PAS ClaimResponses shaped as the sandbox payer and other payers send them. */
class DenialReaderTest {

    @Test
    void readWhenSandboxDeniesTwoCriteriaThenOnePointPerNoteWithItsCarcAndCriterion() {
        ClaimResponse response = new ClaimResponse();
        ClaimResponse.ItemComponent item = item(response, 1, "A3");
        item.getAdjudicationFirstRep().setReason(new CodeableConcept(new Coding(PasProfiles.CARC, "50", "Not deemed a medical necessity"))
                .setText("Not medically necessary - the diagnosis on file is not one the payer's policy covers"));
        note(response, item, 1, "Denied (CARC 50): Not medically necessary - the diagnosis on file is not one the payer's policy"
                + " covers. No diagnosis under C34 on file [cigna-alectinib-nsclc v1, criterion diagnosis-nsclc]");
        note(response, item, 2, "Denied (CARC 272): Coverage guideline not met - the biomarker result the policy requires is not"
                + " positive. ALK negative [cigna-alectinib-nsclc v1, criterion alk-positive]");

        DenialReader.Decision decision = DenialReader.read(response);

        assertThat(decision.outcome()).isEqualTo(DenialReader.Outcome.DENIED);
        assertThat(decision.points()).containsExactly(
                new DenialPoint(1, "50", "Not deemed a medical necessity", "Not medically necessary - the diagnosis on file is not"
                        + " one the payer's policy covers. No diagnosis under C34 on file", "diagnosis-nsclc"),
                new DenialPoint(1, "272", null, "Coverage guideline not met - the biomarker result the policy requires is not"
                        + " positive. ALK negative", "alk-positive"));
    }

    @Test
    void readWhenAPayerGivesOnlyAnAdjudicationReasonThenItIsThePointWithoutACriterion() {
        ClaimResponse response = new ClaimResponse();
        ClaimResponse.ItemComponent item = item(response, 1, null);
        item.getAdjudicationFirstRep().setReason(new CodeableConcept(new Coding(PasProfiles.CARC, "56", "Not proven effective")));

        DenialReader.Decision decision = DenialReader.read(response);

        assertThat(decision.outcome()).isEqualTo(DenialReader.Outcome.DENIED);
        assertThat(decision.points()).containsExactly(new DenialPoint(1, "56", "Not proven effective", "Not proven effective", null));
    }

    @Test
    void readWhenADeniedItemGivesNoReasonThenTheDispositionIsQuoted() {
        ClaimResponse response = new ClaimResponse().setDisposition("Denied after clinical review");
        item(response, 1, "A3");

        assertThat(DenialReader.read(response).points())
                .containsExactly(new DenialPoint(1, null, null, "Denied after clinical review", null));
    }

    @Test
    void readWhenApprovedPendedOrUndecidedThenNothingToAppeal() {
        ClaimResponse approved = new ClaimResponse();
        item(approved, 1, "A1");
        assertThat(DenialReader.read(approved).outcome()).isEqualTo(DenialReader.Outcome.APPROVED);

        ClaimResponse pended = new ClaimResponse();
        item(pended, 1, "A3");
        note(pended, item(pended, 2, "A4"), 1, "Pended: send ALK test report [policy]");
        DenialReader.Decision decision = DenialReader.read(pended);
        assertThat(decision.outcome()).as("a pended item waits for the payer, even beside a denied one").isEqualTo(DenialReader.Outcome.PENDED);
        assertThat(decision.pendedNotes()).anyMatch(n -> n.contains("ALK test report"));

        ClaimResponse silent = new ClaimResponse();
        item(silent, 1, null);
        assertThat(DenialReader.read(silent).outcome()).isEqualTo(DenialReader.Outcome.NO_DECISION);
    }

    private static ClaimResponse.ItemComponent item(ClaimResponse response, int sequence, String action) {
        ClaimResponse.ItemComponent item = response.addItem().setItemSequence(sequence);
        ClaimResponse.AdjudicationComponent adjudication = item.addAdjudication();
        adjudication.setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)));
        if (action != null) {
            Extension review = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
            review.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(new Coding(PasProfiles.X12_306, action, null)));
        }
        return item;
    }

    private static void note(ClaimResponse response, ClaimResponse.ItemComponent item, int number, String text) {
        item.addNoteNumber(number);
        response.addProcessNote().setNumber(number).setText(text);
    }
}
