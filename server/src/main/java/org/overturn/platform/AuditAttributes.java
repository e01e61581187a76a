package org.overturn.platform;

/**
 * Request attributes an edge that checks its own callers (CDS Hooks) sets for the audit trail: the caller it
 * verified and the patient the request concerns. The FHIR API's callers come from Spring Security instead.
 */
public final class AuditAttributes {
    /** The verified caller (a CDS client's issuer). */
    public static final String CALLER = "org.overturn.audit.caller";
    /** The id of the patient the request concerns. */
    public static final String PATIENT = "org.overturn.audit.patient";

    private AuditAttributes() {}
}
