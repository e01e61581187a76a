package org.overturn.appeals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.overturn.deadlines.Urgency;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.profiles.PasProfiles;
import org.overturn.store.ReadOnlyStore;
import org.overturn.store.ResourceStore;

/**
 * ClaimResponse/$appeal: the responses it refuses, and why, from the response alone. No case law is given, and the
 * store only reads by id: each refusal comes before the case is read, the open appeals searched or anything written.
 * The appeal itself (Task, letter, deadlines) is AppealContract's.
 */
class AppealServiceTest {

    private static AppealService service(ResourceStore store) {
        return new AppealService(store, null, null);
    }

    private static ClaimResponse response(String id, @Nullable String... actions) {
        ClaimResponse response = new ClaimResponse().setRequest(new Reference("Claim/c1"));
        response.setId(id);
        int sequence = 1;
        for (String action : actions) {
            ClaimResponse.AdjudicationComponent adjudication = response.addItem().setItemSequence(sequence++).addAdjudication();
            adjudication.setCategory(new CodeableConcept(new Coding(PasProfiles.ADJUDICATION, "submitted", null)));
            if (action != null) {
                Extension review = adjudication.addExtension().setUrl(PasProfiles.REVIEW_ACTION);
                review.addExtension(PasProfiles.REVIEW_ACTION_CODE, new CodeableConcept(new Coding(PasProfiles.X12_306, action, null)));
            }
        }
        return response;
    }

    private static OverturnException refusal(ClaimResponse response) {
        return catchThrowableOfType(() -> service(ReadOnlyStore.of(response)).appeal(response.getIdElement().getIdPart(),
                Urgency.STANDARD), OverturnException.class);
    }

    @Test
    void appealWhenEveryItemApprovedThen422NothingToAppeal() {
        OverturnException e = refusal(response("r1", "A1", "A1"));

        assertThat(e.code()).isEqualTo(ErrorCode.BUSINESS_RULE);
        assertThat(e.getMessage()).startsWith("ClaimResponse/r1 approved every item (X12 306 A1)");
        assertThat(e.expression()).isEqualTo("ClaimResponse.item.adjudication");
    }

    @Test
    void appealWhenAnItemIsPendedThen422AnswerThePayerInstead() {
        // a pended item outweighs a denied one: the payer has not finished deciding
        OverturnException e = refusal(response("r2", "A3", "A4"));

        assertThat(e.code()).isEqualTo(ErrorCode.BUSINESS_RULE);
        assertThat(e.getMessage()).startsWith("ClaimResponse/r2 is pended (X12 306 A4)").contains("instead of appealing");
        assertThat(e.expression()).isEqualTo("ClaimResponse.item.adjudication");
    }

    @Test
    void appealWhenNoItemCarriesADecisionThen422() {
        OverturnException e = refusal(response("r3", (String) null));

        assertThat(e.code()).isEqualTo(ErrorCode.BUSINESS_RULE);
        assertThat(e.getMessage()).startsWith("ClaimResponse/r3 carries no decision");
        assertThat(e.expression()).isEqualTo("ClaimResponse.item");
    }

    @Test
    void appealWhenTheResponseIsNotStoredThen404() {
        OverturnException e = catchThrowableOfType(() -> service(ReadOnlyStore.of()).appeal("gone", Urgency.EXPEDITED),
                OverturnException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).contains("ClaimResponse/gone");
    }
}
