package org.overturn.pas;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
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

    void record(String claimId, String submitter, Instant now) {
        jdbc.update("insert into pas_submission (claim_id, submitter, submitted_at) values (?, ?, ?)",
                claimId, submitter, now.atOffset(ZoneOffset.UTC));
    }

    Optional<String> submitter(String claimId) {
        return jdbc.query("select submitter from pas_submission where claim_id = ?",
                (rs, n) -> rs.getString(1), claimId).stream().findFirst();
    }
}
