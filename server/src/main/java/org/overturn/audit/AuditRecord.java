package org.overturn.audit;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One answered request as the audit trail keeps it, captured on the request thread and turned into an AuditEvent
 * later, off that thread.
 *
 * @param path the request path below /fhir, without the query ("Observation/7", "Claim/$submit", "")
 * @param query the raw query string, values included (the AuditEvent is protected data like the rest of the store)
 * @param issuer the token's issuer, or null in development mode
 * @param subject the token's subject (user or client)
 * @param clientId the OAuth client the token was issued to, when it says
 * @param patient the launch patient the token is bound to, when any
 * @param written the resource the response's Location names ("Observation/7"), for creates and updates
 */
record AuditRecord(
        Instant recorded,
        String method,
        String path,
        @Nullable String query,
        int status,
        @Nullable String issuer,
        String subject,
        @Nullable String clientId,
        @Nullable String patient,
        @Nullable String address,
        @Nullable String requestId,
        @Nullable String written) {}
