package org.overturn.profiles;

import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Extension;
import org.jspecify.annotations.Nullable;
import org.overturn.platform.Canonical;

/**
 * The Da Vinci PAS 2.x (2.2.1) extension URLs and code systems Overturn reads and writes, and Overturn's own code
 * systems for the PA workflow Task (defined in fhir-profiles).
 *
 * @see <a href="https://hl7.org/fhir/us/davinci-pas/StructureDefinition-extension-reviewAction.html">PAS ReviewAction</a>
 */
public final class PasProfiles {
    private PasProfiles() {}

    private static final String PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/";

    /** Complex extension on ClaimResponse.item.adjudication: sub-extensions {@link #REVIEW_ACTION_CODE}, number, reasonCode. */
    public static final String REVIEW_ACTION = PAS + "extension-reviewAction";

    /** The review outcome inside {@link #REVIEW_ACTION}, a CodeableConcept from {@link #X12_306}. */
    public static final String REVIEW_ACTION_CODE = PAS + "extension-reviewActionCode";

    /** The review action code sub-extension of an adjudication ({@link #REVIEW_ACTION_CODE}), or null when it has none. */
    public static @Nullable Extension reviewActionCode(ClaimResponse.AdjudicationComponent adjudication) {
        Extension action = adjudication.getExtensionByUrl(REVIEW_ACTION);
        return action == null ? null : action.getExtensionByUrl(REVIEW_ACTION_CODE);
    }

    /** On Claim.item: the order (MedicationRequest, ServiceRequest, DeviceRequest) the item asks authorization for. */
    public static final String REQUESTED_SERVICE = PAS + "extension-requestedService";

    /**
     * PAS modifier extension on Claim.item of a claim update: true when the item is no longer requested (PAS Claim
     * Update profile: every item of the earlier request stays listed, a withdrawn one flagged with this).
     */
    public static final String INFO_CANCELLED = PAS + "modifierextension-infoCancelled";

    /** On Claim.item, echoed on ClaimResponse.item: the submitter's trace number of the item (X12 2000F TRN), an Identifier. */
    public static final String ITEM_TRACE_NUMBER = PAS + "extension-itemTraceNumber";

    /** On an approved ClaimResponse.item: the date its authorization was issued. */
    public static final String ITEM_PRE_AUTH_ISSUE_DATE = PAS + "extension-itemPreAuthIssueDate";

    /** On an approved ClaimResponse.item: the Period its authorization is valid. */
    public static final String ITEM_PRE_AUTH_PERIOD = PAS + "extension-itemPreAuthPeriod";

    /** PAS extension on Claim and Claim.item: the kind of certification asked for, a code of {@link #X12_1322} (UM02). */
    public static final String CERTIFICATION_TYPE = PAS + "extension-certificationType";

    /** X12 1322 Certification Type Code; {@link #CERTIFICATION_CANCEL} withdraws the request (on Claim) or the item. */
    public static final String X12_1322 = "https://codesystem.x12.org/005010/1322";
    public static final String CERTIFICATION_CANCEL = "3";

    public static final String OPERATION_SUBMIT = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit";
    public static final String OPERATION_INQUIRE = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry";

    /** The one PAS subscription topic: a pended request's response changed. Its filter names the requesting provider. */
    public static final String SUBSCRIPTION_TOPIC = "http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic";
    public static final String TOPIC_FILTER_ORG = "org-identifier";

    /** X12 306 Action Code: A1 certified in total, A3 not certified, A4 pended, C cancelled. */
    public static final String X12_306 = "https://codesystem.x12.org/005010/306";

    /** X12 Claim Adjustment Reason Codes, as terminology.hl7.org names them. */
    public static final String CARC = "https://x12.org/codes/claim-adjustment-reason-codes";

    /** PAS fixes ClaimResponse.item.adjudication.category to {@code submitted} in this system. */
    public static final String ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication";

    /** v2 identifier types: MB = member number, which $inquire matches patients on. */
    public static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    /** Overturn's PA Task input/output types (the step itself is a workflow-step code, see WorkflowSteps). */
    public static final String TASK_CODES = Canonical.BASE + "/CodeSystem/pa-task";

    public static final String TASK_REQUEST = "request";
    public static final String TASK_RESPONSE = "response";
    public static final String TASK_PAYER_ERROR = "payer-error";
    /** Task input of a claim update's PA Task: the earlier request (Claim) it replaces. */
    public static final String TASK_EARLIER_REQUEST = "earlier-request";

    /** Overturn's PA Task businessStatus codes. */
    public static final String BUSINESS_STATUS = Canonical.BASE + "/CodeSystem/pa-business-status";

    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String PARTIALLY_APPROVED = "partially-approved";
    public static final String PENDED = "pended";
    public static final String SUBMITTED = "submitted";
    public static final String ERROR = "error";
    /** Every item was withdrawn by the provider (a claim update cancelling them, or the whole request cancelled). */
    public static final String CANCELLED = "cancelled";
}
