package org.overturn.pas;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The table {@code pas_submission}: which client submitted each request. A PAS request is answered again, by
 * resubmission or inquiry, only to the client that submitted it: a payer's answer about a member is the submitting
 * provider's, and member ids and NPIs are no secret. Writes join the caller's transaction.
 */
final class PasSubmissions {
    private final JdbcTemplate jdbc;

    PasSubmissions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @param submitter the client, or null for the server's own work and development mode */
    void record(String claimId, @Nullable String submitter, String digest, Instant now) {
        jdbc.update("insert into pas_submission (claim_id, submitter, request_digest, submitted_at) values (?, ?, ?, ?)",
                claimId, submitter, digest, now.atOffset(ZoneOffset.UTC));
    }

    Optional<String> submitter(String claimId) {
        return jdbc.query("select submitter from pas_submission where claim_id = ?",
                (rs, n) -> Optional.ofNullable(rs.getString(1)), claimId).stream().findFirst().flatMap(s -> s);
    }

    /** Holds back, until the caller's transaction ends, every other submission under this identifier (any instance). */
    void lock(String identifier) {
        // The key is hashed here: an identifier may hold characters PostgreSQL text cannot (U+0000).
        long key = java.nio.ByteBuffer.wrap(org.overturn.platform.Sha256.of("pas-request|" + identifier)).getLong();
        jdbc.query("select pg_advisory_xact_lock(?)", rs -> {}, key);
    }

    /** The digest of the request first submitted as this Claim; empty for requests stored before digests were kept. */
    Optional<String> digest(String claimId) {
        return jdbc.query("select request_digest from pas_submission where claim_id = ?",
                (rs, n) -> Optional.ofNullable(rs.getString(1)), claimId).stream().findFirst().flatMap(s -> s);
    }
}
