package org.overturn.platform;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Every failure Overturn reports, with its HTTP status and FHIR issue type. The code string is stable: clients and
 * tests may match on it, so never rename or reuse one.
 */
public enum ErrorCode {
    INVALID_REQUEST("OVT-400-REQUEST", 400, IssueType.INVALID),
    MALFORMED_BODY("OVT-400-BODY", 400, IssueType.STRUCTURE),
    INVALID_SEARCH("OVT-400-SEARCH", 400, IssueType.INVALID),
    UNSUPPORTED_SEARCH("OVT-400-SEARCH-UNSUPPORTED", 400, IssueType.NOTSUPPORTED),
    INVALID_BUNDLE("OVT-400-BUNDLE", 400, IssueType.INVALID),
    /** A search that ran past overturn.store.search-budget and was cancelled; narrower criteria will do. */
    SEARCH_TOO_COSTLY("OVT-400-SEARCH-COST", 400, IssueType.TOOCOSTLY),
    /** No bearer token, or one that is not valid (signature, issuer, audience, time, algorithm). */
    UNAUTHORIZED("OVT-401", 401, IssueType.LOGIN),
    /** The token is valid but its scopes do not allow the interaction. */
    INSUFFICIENT_SCOPE("OVT-403-SCOPE", 403, IssueType.FORBIDDEN),
    /** Something this server cannot yet do within a patient-restricted token's compartment. */
    NOT_SUPPORTED_FOR_PATIENT_SCOPE("OVT-403-PATIENT", 403, IssueType.NOTSUPPORTED),
    NOT_FOUND("OVT-404", 404, IssueType.NOTFOUND),
    UNKNOWN_TYPE("OVT-404-TYPE", 404, IssueType.NOTSUPPORTED),
    METHOD_NOT_ALLOWED("OVT-405", 405, IssueType.NOTSUPPORTED),
    CONCURRENT_WRITE("OVT-409", 409, IssueType.CONFLICT),
    INVALID_TRANSITION("OVT-409-TRANSITION", 409, IssueType.BUSINESSRULE),
    /** A workflow step of the same kind is already open for the same case and differs from what was asked. */
    STEP_IN_PROGRESS("OVT-409-STEP", 409, IssueType.CONFLICT),
    GONE("OVT-410", 410, IssueType.DELETED),
    VERSION_MISMATCH("OVT-412-VERSION", 412, IssueType.CONFLICT),
    MULTIPLE_MATCHES("OVT-412-MULTIPLE", 412, IssueType.MULTIPLEMATCHES),
    BODY_TOO_LARGE("OVT-413", 413, IssueType.TOOLONG),
    BUNDLE_TOO_LARGE("OVT-413-BUNDLE", 413, IssueType.TOOLONG),
    UNSUPPORTED_MEDIA_TYPE("OVT-415", 415, IssueType.NOTSUPPORTED),
    INVALID_RESOURCE("OVT-422", 422, IssueType.REQUIRED),
    BUSINESS_RULE("OVT-422-RULE", 422, IssueType.BUSINESSRULE),
    INTERNAL("OVT-500", 500, IssueType.EXCEPTION),
    TOO_MANY_REQUESTS("OVT-429", 429, IssueType.THROTTLED),
    UNAVAILABLE("OVT-503", 503, IssueType.TRANSIENT),
    /** A payer asked on the client's behalf answered with an error, a refusal, or something that is not the answer. */
    PAYER_ERROR("OVT-502-PAYER", 502, IssueType.EXCEPTION),
    /** A payer asked on the client's behalf could not be reached (or its circuit breaker is open); nothing was stored. */
    PAYER_UNAVAILABLE("OVT-503-PAYER", 503, IssueType.TRANSIENT),
    /** A payer asked on the client's behalf did not answer in time; nothing was stored. */
    PAYER_TIMEOUT("OVT-504-PAYER", 504, IssueType.TIMEOUT);

    /** Code system of {@link #code()} in OperationOutcome.issue.details. */
    public static final String SYSTEM = Canonical.BASE + "/CodeSystem/error-code";

    private final String code;
    private final int httpStatus;
    private final IssueType issueType;

    ErrorCode(String code, int httpStatus, IssueType issueType) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.issueType = issueType;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public IssueType issueType() {
        return issueType;
    }
}
