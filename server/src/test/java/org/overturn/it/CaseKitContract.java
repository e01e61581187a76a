package org.overturn.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;
import org.overturn.letter.CaseDocuments;

/**
 * Around the request, over HTTP: the fax packet for a payer without an API (cover sheet, letter, questionnaire,
 * enclosures in order, one PDF read back with PDFBox), the ClinicalTrials.gov search in the investigational-drug
 * letters (its stand-in serving hand-written v2 answers, or failing), and the plain-language patient summary. Each case
 * is set up through PAS $submit, $generate-letter and $appeal as a client would.
 */
public interface CaseKitContract extends AppealContract, LetterContract {

    List<String> PACKET_TYPES = List.of("DocumentReference", "Provenance");

    // ---- the fax packet ----

    @Test
    default void faxPacketWhenMedicalNecessityLetterThenCoverSheetLetterQuestionnaireAndEnclosuresInOrder() {
        String claimId = submittedClaim(Scenarios.ALECTINIB_CA, null);
        JsonNode letter = letter(claimId, "medical-necessity").json();
        assertThat(AppealContract.markdown(letter)).as("a pharmacy only a patient guide names is not stated to the payer")
                .doesNotContain("Dispensing:");
        assertThat(PayerFacingScan.checklist(letter)).as("it waits on the sender's checklist")
                .contains("Dispensing: once approved, Alecensa (alectinib) is dispensed by Accredo (Express Scripts)");
        Response r = faxPacket(claimId, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode packet = r.json();
        assertThat(packet.path("type").path("coding").get(0).path("system").asText()).isEqualTo(CaseDocuments.SYSTEM);
        assertThat(packet.path("type").path("coding").get(0).path("code").asText()).isEqualTo("fax-packet");
        assertThat(packet.path("category").get(0).path("coding").get(0).path("code").asText()).isEqualTo(CaseDocuments.CATEGORY);
        assertThat(packet.path("content").get(0).path("attachment").path("contentType").asText()).isEqualTo("application/pdf");
        List<String> related = new ArrayList<>();
        packet.path("context").path("related").forEach(x -> related.add(x.path("reference").asText()));
        assertThat(related).contains("Claim/" + claimId, "DocumentReference/" + letter.path("id").asText());
        assertThat(related).anyMatch(x -> x.startsWith("QuestionnaireResponse/"));

        Pdf pdf = pdf(packet);
        String text = pdf.text();
        // The cover sheet: to the payer's PA fax line (a number only a guide gives, so marked), from the prescriber.
        assertThat(text).contains("FAX").contains("Cigna Healthcare, Prior Authorization").contains("1-866-873-8279").doesNotContain("seeds/")
                .contains("1-800-882-4462").contains("Dr. Aaron Petrosky, MD, NPI 9100000101")
                .contains("Callback phone: 916-555-0110").contains("Return fax: not on file")
                .contains("Lena Marwick").contains("CGN-TEST-ALK-0001").contains("CONFIDENTIALITY NOTICE");
        assertThat(text).contains("Pages " + pdf.pages() + " including this cover sheet");
        assertThat(text).contains("fax page 1 of " + pdf.pages()).contains("fax page " + pdf.pages() + " of " + pdf.pages());
        // Then the letter, the questionnaire, the enclosure list and the chart records, in that order.
        int cover = text.indexOf("CONFIDENTIALITY NOTICE");
        int body = text.indexOf("To the reviewer:");
        int questionnaire = text.indexOf("Prior authorization questionnaire (pre-filled from the chart)", body);
        int enclosures = text.indexOf("Enclosures, in the order the letter lists them");
        int alk = text.indexOf("ALK rearrangement report", enclosures);
        assertThat(cover).isPositive();
        assertThat(body).isGreaterThan(cover);
        assertThat(questionnaire).isGreaterThan(body);
        assertThat(enclosures).isGreaterThan(questionnaire);
        assertThat(alk).as("the letter's first enclosure is listed first").isGreaterThan(enclosures);
        assertThat(text.indexOf("Observation: ", alk)).as("and its record follows the list").isGreaterThan(alk);

        // The sender's checklist stays beside the PDF: the unverified number to check, the specialty pharmacy after approval.
        String checklist = new String(Base64.getDecoder().decode(packet.path("content").get(1).path("attachment").path("data").asText()),
                StandardCharsets.UTF_8);
        assertThat(packet.path("content").get(1).path("attachment").path("contentType").asText()).isEqualTo("text/markdown");
        assertThat(checklist).contains("Check 1-866-873-8279 against the payer's current form").contains("Sign the letter")
                .contains("After approval: Alecensa (alectinib) is dispensed by Accredo (Express Scripts) (UNVERIFIED)")
                .contains("877-826-7657");
        JsonNode provenance = get("Provenance?target=DocumentReference/" + packet.path("id").asText()).json();
        assertThat(provenance.path("total").asInt()).isEqualTo(1);
        assertThat(provenance.path("entry").get(0).path("resource").path("entity").toString())
                .contains("DocumentReference/" + letter.path("id").asText()).contains("Claim/" + claimId);
        assertThat(provenance.path("entry").get(0).path("resource").path("policy").get(0).asText()).contains("payers.yaml|2");
    }

    @Test
    default void faxPacketWhenStepTherapyExceptionInCaliforniaThenTheExceptionFaxAndANamedLetterGoesToThePaFax() {
        String claimId = submittedClaim(Scenarios.ALECTINIB_CA, null);
        String necessity = letter(claimId, "medical-necessity").json().path("id").asText();
        letter(claimId, "step-therapy-exception");

        String latest = pdf(faxPacket(claimId, null).json()).text();
        assertThat(latest).contains("Formulary Exceptions and Step-Therapy Overrides").contains("1-866-649-8173")
                .contains("Request for Step-Therapy Exception");

        Response named = faxPacket(claimId, "DocumentReference/" + necessity);
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        String text = pdf(named.json()).text();
        assertThat(text).contains("1-866-873-8279").doesNotContain("1-866-649-8173").contains("Letter of Medical Necessity");
    }

    @Test
    default void faxPacketWhenAppealLetterThenTheAppealsFaxIsUnknownWithWhereToFindItAndTheDenialIsEnclosed() {
        String responseId = deniedResponse(new Story(Scenarios.ZANZALINTINIB_GA, null, "55", "2026-08-03T11:00:00-04:00", "standard",
                null, null, null, null, null, null, null));
        JsonNode appealed = appeal(responseId, "standard").json();
        assertThat(AppealContract.markdown(appealed.path("entry").get(1).path("resource")))
                .as("no source names a pharmacy for an investigational drug").doesNotContain("Dispensing:");
        String claimId = get("ClaimResponse/" + responseId).json().path("request").path("reference").asText().substring("Claim/".length());
        Response r = faxPacket(claimId, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String text = pdf(r.json()).text();
        assertThat(text).contains("Cigna Healthcare, Appeals")
                .contains("Unknown: no appeals fax for Cigna Healthcare is in the sources on file")
                .contains("where the denial letter says appeals go").doesNotContain("1-866-873-8279")
                .contains("Internal Appeal: zanzalintinib").contains("The payer's decision").contains("CGN-TEST-ZGA-0001");
        assertThat(r.json().path("context").path("related").toString())
                .contains(appealed.path("entry").get(1).path("resource").path("id").asText());
    }

    @Test
    default void faxPacketWhenClaimUnknownLetterMissingOrParameterWrongThen4xxAndNothingStored() {
        String claimId = submittedClaim(Scenarios.LAROTRECTINIB_CA, null);
        String other = submittedClaim(Scenarios.ALECTINIB_CA, null);
        String othersLetter = letter(other, "medical-necessity").json().path("id").asText();
        Map<String, Integer> before = packetCounts();

        Response none = faxPacket(claimId, null);
        assertThat(none.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(none.body()).contains("has no letter to the payer yet").contains("$generate-letter");

        assertThat(faxPacket("no-such-claim", null).assertOutcome(404)).isEqualTo("OVT-404");

        Response notADocument = faxPacket(claimId, "Patient/123");
        assertThat(notADocument.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(notADocument.body()).contains("must reference a DocumentReference");

        Response foreign = faxPacket(claimId, "DocumentReference/" + othersLetter);
        assertThat(foreign.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(foreign.body()).contains("is not a letter of Claim/" + claimId);

        Response missing = faxPacket(claimId, "DocumentReference/does-not-exist");
        assertThat(missing.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(missing.body()).contains("is not on this server");

        String zanzalintinib = submittedClaim(Scenarios.ZANZALINTINIB_GA, null);
        String toSponsor = letter(zanzalintinib, "expanded-access").json().path("id").asText();
        before = packetCounts();
        Response sponsor = faxPacket(zanzalintinib, "DocumentReference/" + toSponsor);
        assertThat(sponsor.assertOutcome(400)).isEqualTo("OVT-400-REQUEST");
        assertThat(sponsor.body()).contains("is not a letter to the payer");
        assertThat(packetCounts()).isEqualTo(before);
    }

    // ---- ClinicalTrials.gov in the investigational-drug letters ----

    @Test
    default void generateLetterWhenExpandedAccessAndTheRegistryListsStudiesThenTheLetterNamesThemWithIdsStatusAndLinks() {
        registryAnswers(200, fixture("zanzalintinib-open-studies.json"));
        String claimId = submittedClaim(Scenarios.ZANZALINTINIB_GA, null);
        Response r = letter(claimId, "expanded-access");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String letter = AppealContract.markdown(r.json());
        assertThat(letter).contains("## Clinical trials and expanded access on ClinicalTrials.gov")
                .contains("found 3 (the first 2 are listed)")
                .contains("NCT09990001: Synthetic test study").contains("Recruiting; Phase 2, Phase 3; sponsor Exelixis")
                .contains("Example Research Hospital A, Savannah, Georgia, United States").contains("(and 1 more)")
                .contains("contact: Synthetic Trial Desk, 555-010-0001").contains("https://clinicaltrials.gov/study/NCT09990001")
                .contains("ClinicalTrials.gov lists an expanded-access program for zanzalintinib (NCT09990002, Expanded access available)")
                .doesNotContain("not-an-nct-id").doesNotContain("could not be searched");
        TrialRegistryStub.SERVER.verify(getRequestedFor(urlPathEqualTo("/api/v2/studies"))
                .withQueryParam("query.intr", equalTo("zanzalintinib OR XL092 OR XL-092")));
    }

    @Test
    default void generateLetterWhenTheRegistryIsDownThenTheLetterIsWrittenAndSaysSoWithTheSearchToRepeat() {
        registryAnswers(503, "{\"message\":\"down for maintenance\"}");
        String claimId = submittedClaim(Scenarios.ZANZALINTINIB_OH, null);
        Response r = letter(claimId, "clinical-trial-routine-costs");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String letter = AppealContract.markdown(r.json());
        assertThat(letter).contains("ClinicalTrials.gov could not be searched when this letter was written (ClinicalTrials.gov: it"
                        + " answered HTTP 503)")
                .contains("https://clinicaltrials.gov/search?intr=zanzalintinib+OR+XL092+OR+XL-092")
                .contains("REQUIRED, not yet on file: Candidate clinical trials or expanded-access programs for zanzalintinib")
                .contains("PHS Act section 2709");

        registryAnswers(200, "{\"totalCount\":0,\"studies\":[]}");
        String none = AppealContract.markdown(letter(claimId, "clinical-trial-routine-costs").json());
        assertThat(none).contains("found none. Search again before sending");
    }

    @Test
    default void generateLetterWhenTheRegistrySendsHeadersThenNeverEndsItsAnswerThenTheLetterIsWrittenWithinTheTimeoutAndSaysSo() {
        StubMapping stalled = TrialRegistryStub.SERVER.stubFor(WireMock.get(urlPathEqualTo("/api/v2/studies")).willReturn(
                aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(fixture("zanzalintinib-open-studies.json")).withChunkedDribbleDelay(60, 60_000)));
        String claimId = submittedClaim(Scenarios.ZANZALINTINIB_GA, null);
        Response r;
        try {
            // The registry's timeout is 2 s (ServerTest); the bound leaves room for the letter's own work on a loaded machine.
            r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> letter(claimId, "expanded-access"),
                    "the letter must not wait for the registry to end its answer");
        } finally {
            TrialRegistryStub.SERVER.removeStub(stalled);
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(AppealContract.markdown(r.json()))
                .contains("ClinicalTrials.gov could not be searched when this letter was written (ClinicalTrials.gov: it did not"
                        + " answer within 2000 ms)")
                .contains("https://clinicaltrials.gov/search?intr=zanzalintinib+OR+XL092+OR+XL-092")
                .doesNotContain("NCT09990001");
    }

    // ---- the patient summary ----

    @Test
    default void patientSummaryWhenApprovedThenYesTheApprovalNumberThePharmacyWhomToCallAndHelpWithCosts() {
        String claimId = submittedClaim(Scenarios.ALECTINIB_CA, null);
        Response r = patientSummary(claimId);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.path("type").path("coding").get(0).path("code").asText()).isEqualTo("patient-summary");
        assertThat(doc.path("content").get(1).path("attachment").path("contentType").asText()).isEqualTo("application/pdf");
        String text = AppealContract.markdown(doc);
        assertThat(text).contains("# Your request for Alecensa (alectinib): where things stand").contains("Dear Lena Marwick,")
                .contains("Dr. Aaron Petrosky asked Cigna Healthcare to pay for Alecensa (alectinib)")
                .contains("It is for your adenocarcinoma of right upper lobe of lung")
                .contains("Cigna Healthcare said yes on").contains("The approval number is")
                .contains("Next, Alecensa (alectinib) will come from Accredo (Express Scripts)")
                .contains("Cigna Healthcare member services: 1-800-244-6224 (24/7).")
                .contains("Cigna Cancer Support Program: 1-800-615-2909")
                .contains("Your doctor's office, Example Capitol Oncology Group (synthetic): 916-555-0110")
                .contains("Genentech Patient Foundation: Free medication for eligible patients")
                .contains("Medi-Cal (California Medicaid): Coverage if you qualify, or secondary coverage beside your plan.")
                .contains("We could not confirm this yet").doesNotContain("said no").doesNotContain("Pfizer");
        JsonNode provenance = get("Provenance?target=DocumentReference/" + doc.path("id").asText()).json();
        assertThat(provenance.path("entry").get(0).path("resource").path("policy").toString()).contains("cost-assistance.yaml|1");
        assertThat(provenance.path("entry").get(0).path("resource").path("entity").toString()).contains("Claim/" + claimId)
                .contains("ClaimResponse/");
    }

    @Test
    default void patientSummaryWhenDeniedThenTheReasonAndUntilWhenTheDoctorCanAppealUnderTheStatesRule() {
        // CA-CDI internalAppeal.filingWindow: 180 days from Sep 14, 2026 = Mar 13, 2027.
        String responseId = deniedResponse(new Story(Scenarios.LAROTRECTINIB_CA, "wrong-diagnosis", "50", "2026-09-14T08:00:00-07:00",
                "standard", null, null, null, null, null, null, null));
        String claimId = get("ClaimResponse/" + responseId).json().path("request").path("reference").asText().substring("Claim/".length());
        String text = AppealContract.markdown(patientSummary(claimId).json());
        assertThat(text).contains("Cigna Healthcare said no on September 14, 2026. This is called a denial.")
                .contains("The reason they gave:").contains("This is called an appeal.")
                .contains("Your doctor can appeal until March 13, 2027.")
                .contains("California Department of Insurance (CDI)").contains("1-800-927-4357 (help with appeals and outside reviews)")
                .contains("Bayer/Loxo Oncology Access Services").contains("1-833-848-7258")
                .contains("CancerCare Co-Payment Assistance Foundation").contains("If it is approved, Vitrakvi (larotrectinib) will come from");
    }

    @Test
    default void patientSummaryWhenAppealedThenTheOpenAppealItsDeadlinesThenTheUpheldDecision() {
        Story story = new Story(Scenarios.ZANZALINTINIB_OH, null, "55", "2026-07-20T13:00:00-04:00", "standard", null, null, null, null,
                null, null, null);
        String responseId = deniedResponse(story);
        JsonNode task = AppealContract.entry(appeal(responseId, "standard"), 0);
        String claimId = get("ClaimResponse/" + responseId).json().path("request").path("reference").asText().substring("Claim/".length());
        String open = AppealContract.markdown(patientSummary(claimId).json());
        // OH-ODI internalAppeal.filingWindow 180 days: Jul 20, 2026 + 180 = Jan 16, 2027.
        assertThat(open).contains("zanzalintinib is a study drug. The FDA has not approved it yet.")
                .contains("Cigna Healthcare said no on July 20, 2026.").contains("Your doctor started an appeal on")
                .contains("There is no answer yet.").contains("Your doctor must send an appeal by January 16, 2027.")
                .doesNotContain("Task/" + task.path("id").asText())
                .contains("Cigna Healthcare must answer an appeal by about")
                .contains("Exelixis (the sponsor) through a clinical trial or expanded access")
                .contains("Ohio Department of Insurance (ODI)").contains("1-800-686-1526 (help with appeals and outside reviews)");

        recordDecision(task.path("id").asText(), "upheld", "2026-09-30T15:00:00-04:00");
        String decided = AppealContract.markdown(patientSummary(claimId).json());
        assertThat(decided).contains("On September 30, 2026, the answer was still no.").doesNotContain("There is no answer yet.");
    }

    @Test
    default void patientSummaryWhenPendedThenWhatThePayerAsksForAndTheLegalDecisionClock() {
        String claimId = submittedClaim(Scenarios.ALECTINIB_CA, "biomarker-missing");
        String text = AppealContract.markdown(patientSummary(claimId).json());
        assertThat(text).contains("Cigna Healthcare has not decided yet.").contains("They asked your doctor for more papers:")
                .contains("ALK test report").contains("Cigna Healthcare must decide by about");
    }

    @Test
    default void patientSummaryWhenClaimUnknownOrNotAPaRequestThen4xxAndNothingStored() {
        Map<String, String> ids = load(Scenarios.ALECTINIB_CA.bundleJson());
        String notPa = claim(ids, "claim");
        Map<String, Integer> before = packetCounts();
        assertThat(patientSummary("no-such-claim").assertOutcome(404)).isEqualTo("OVT-404");
        Response r = patientSummary(notPa);
        assertThat(r.assertOutcome(422)).isEqualTo("OVT-422-RULE");
        assertThat(r.body()).contains("is not a prior authorization request");
        Map<String, Integer> after = packetCounts();
        assertThat(after).isEqualTo(before);
    }

    // ---- helpers ----

    default Response patientSummary(String claimId) {
        return post("Claim/" + claimId + "/$patient-summary", "{\"resourceType\":\"Parameters\"}");
    }

    default Response faxPacket(String claimId, String letterRef) {
        String body = letterRef == null ? "{\"resourceType\":\"Parameters\"}"
                : "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"letter\",\"valueReference\":{\"reference\":\"" + letterRef + "\"}}]}";
        return post("Claim/" + claimId + "/$fax-packet", body);
    }

    default Map<String, Integer> packetCounts() {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (String type : PACKET_TYPES) {
            counts.put(type, get(type + "?_summary=count").json().path("total").asInt());
        }
        return counts;
    }

    record Pdf(String text, int pages) {}

    /** The packet's PDF, read back with PDFBox: its text and page count. */
    static Pdf pdf(JsonNode packet) {
        PayerFacingScan.document(packet);
        byte[] bytes = Base64.getDecoder().decode(packet.path("content").get(0).path("attachment").path("data").asText());
        try (PDDocument doc = Loader.loadPDF(bytes)) {
            // Lines wrap where the layout wraps them; the words and their order are what count.
            return new Pdf(new PDFTextStripper().getText(doc).replaceAll("\\s+", " "), doc.getNumberOfPages());
        } catch (IOException e) {
            throw new AssertionError("not a PDF", e);
        }
    }

    static void registryAnswers(int status, String body) {
        TrialRegistryStub.SERVER.stubFor(WireMock.get(urlPathEqualTo("/api/v2/studies"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    static String fixture(String name) {
        try (InputStream in = CaseKitContract.class.getResourceAsStream("/trials/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
