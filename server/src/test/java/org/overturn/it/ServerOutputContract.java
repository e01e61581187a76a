package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overturn.fixtures.Scenarios;

/**
 * What Overturn writes itself is valid FHIR R4, checked by HAPI's validator through {@code $validate} rather than by
 * our own reading of the spec: after a PA request, a letter, an appeal with its external review, a patient summary and
 * an eligibility check, every resource of the kinds the server writes that changed meanwhile validates without errors.
 * (The operations do not re-validate their own responses after commit: this is where that conformance is proved.)
 */
public interface ServerOutputContract extends PasContract, AppealContract, LetterContract, CaseKitContract, EligibilityRequests {
    List<String> WRITTEN_BY_THE_SERVER = List.of("ClaimResponse", "Task", "DocumentReference", "Provenance",
            "QuestionnaireResponse", "CoverageEligibilityResponse", "Claim", "Communication");

    @Test
    default void serverOutputWhenTheCaseKitRunsThenEveryResourceItWroteIsValidR4() throws Exception {
        Instant start = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        submitWhenAllCriteriaMetThenApprovedWithAuthorizationAndStoredCase();
        appealWhenAlectinibDeniedForNegativeAlkThenDmhcDeadlinesLetterAndImrPacket();
        generateLetterWhenCompleteChartThenStoredMarkdownAndPdfNameTheEvidence(Scenarios.INOTUZUMAB_CA);
        patientSummaryWhenApprovedThenYesTheApprovalNumberThePharmacyWhomToCallAndHelpWithCosts();
        Response eligibility = post("CoverageEligibilityRequest/$submit",
                eligibilityRequest(load(Scenarios.ALECTINIB_CA.bundleJson()), "server-output-" + start.toEpochMilli()));
        assertThat(eligibility.status()).as(eligibility.body()).isEqualTo(200);

        List<String> errors = new ArrayList<>();
        int checked = 0;
        List<String> checkedTypes = new ArrayList<>();
        for (String type : WRITTEN_BY_THE_SERVER) {
            JsonNode page = get(type + "?_lastUpdated=ge" + start + "&_count=200").json();
            for (JsonNode entry : page.path("entry")) {
                JsonNode resource = entry.path("resource");
                Response r = post(type + "/$validate", resource.toString());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                checked++;
                checkedTypes.add(type);
                for (JsonNode issue : r.json().path("issue")) {
                    if (issue.path("severity").asText().matches("error|fatal")) {
                        errors.add(type + "/" + resource.path("id").asText() + " " + issue.path("expression").path(0).asText()
                                + ": " + issue.path("diagnostics").asText());
                    }
                }
            }
        }
        assertThat(checked).as("resources written by the flows").isGreaterThan(10);
        assertThat(checkedTypes).as("the eligibility response among them").contains("CoverageEligibilityResponse");
        assertThat(errors).isEmpty();
    }
}
