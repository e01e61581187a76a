package org.overturn.pas;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The table {@code pas_outbox}: accepted requests for routed payers. Writes join the caller's transaction, so a
 * row exists exactly when its Claim was stored.
 */
final class PasOutbox {
    private final JdbcTemplate jdbc;

    PasOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record Row(long id, String requestKey, String claimId, String claimResponseId, String taskId, String endpoint,
            String payload, int attempts) {}

    void enqueue(String requestKey, String claimId, String claimResponseId, String taskId, String endpoint, String payload,
            Instant now) {
        jdbc.update("insert into pas_outbox (request_key, claim_id, claim_response_id, task_id, endpoint, payload,"
                        + " next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                requestKey, claimId, claimResponseId, taskId, endpoint, payload, ts(now), ts(now));
    }

    /**
     * Claims due rows for this instance: locked rows (another instance is claiming them) are skipped, and each
     * claimed row is leased (its next attempt moved past the lease), so no other instance delivers it meanwhile.
     * Must run in a transaction.
     */
    List<Row> claimDue(Instant now, int limit, Duration lease) {
        List<Row> rows = jdbc.query("select id, request_key, claim_id, claim_response_id, task_id, endpoint, payload, attempts"
                        + " from pas_outbox where status = 'pending' and next_attempt_at <= ?"
                        + " order by next_attempt_at limit ? for update skip locked",
                (rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getInt(8) + 1),
                ts(now), limit);
        for (Row row : rows) {
            jdbc.update("update pas_outbox set attempts = attempts + 1, next_attempt_at = ? where id = ?",
                    ts(now.plus(lease)), row.id());
        }
        return rows;
    }

    void delivered(long id, Instant now) {
        jdbc.update("update pas_outbox set status = 'delivered', finished_at = ?, last_error = null where id = ?", ts(now), id);
    }

    void retryAt(long id, Instant at, String error) {
        jdbc.update("update pas_outbox set next_attempt_at = ?, last_error = ? where id = ?", ts(at), error, id);
    }

    void failed(long id, Instant now, String error) {
        jdbc.update("update pas_outbox set status = 'failed', finished_at = ?, last_error = ? where id = ?", ts(now), error, id);
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
