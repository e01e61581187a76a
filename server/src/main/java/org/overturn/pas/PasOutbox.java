package org.overturn.pas;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.overturn.platform.OutboxLease;
import org.springframework.jdbc.core.JdbcTemplate;
import org.jspecify.annotations.Nullable;

/**
 * The table {@code pas_outbox}: accepted requests for routed payers. Writes join the caller's transaction, so a
 * row exists exactly when its Claim was stored. A row is {@code pending} until the payer has the request,
 * {@code awaiting} while the payer has pended it (its decision is asked for on a schedule), then {@code delivered},
 * {@code failed} or {@code expired}. {@code sent_at} marks a request that may be at the payer while its answer is
 * not recorded yet (see ADR 0005).
 */
final class PasOutbox {
    private final JdbcTemplate jdbc;

    PasOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param attempts delivery attempts including this one (inquiries of an awaiting row are not counted)
     * @param inDoubt an earlier attempt sent the request and its outcome was never recorded, or it timed out: the
     *     payer may have it
     */
    record Row(long id, String requestKey, String claimId, String claimResponseId, String taskId, String endpoint,
            String payload, int attempts, boolean awaiting, boolean inDoubt, Instant createdAt) {}

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
        List<Row> rows = jdbc.query("select id, request_key, claim_id, claim_response_id, task_id, endpoint, payload, attempts,"
                        + " status, sent_at, created_at from pas_outbox"
                        + " where status in ('pending', 'awaiting') and next_attempt_at <= ?"
                        + " order by next_attempt_at limit ? for update skip locked",
                (rs, n) -> {
                    boolean awaiting = "awaiting".equals(rs.getString(9));
                    return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getInt(8) + (awaiting ? 0 : 1), awaiting,
                            rs.getObject(10) != null, rs.getObject(11, OffsetDateTime.class).toInstant());
                },
                ts(now), limit);
        // An awaiting row is asked about, not sent: that does not count as a delivery attempt.
        OutboxLease.lease(jdbc, "pas_outbox", "attempts + case when status = 'awaiting' then 0 else 1 end",
                rows.stream().map(Row::id).toList(), now.plus(lease));
        return rows;
    }

    /** A claimed row not tried after all (its payer's circuit breaker is open): due again at {@code at}, uncounted. */
    void release(Row row, Instant at) {
        jdbc.update("update pas_outbox set attempts = ?, next_attempt_at = ? where id = ?",
                row.awaiting() ? row.attempts() : row.attempts() - 1, ts(at), row.id());
    }

    /** The in-flight marker, committed before the request leaves: from here on the payer may have it. */
    void markSent(long id, Instant now) {
        jdbc.update("update pas_outbox set sent_at = ? where id = ?", ts(now), id);
    }

    void delivered(long id, Instant now) {
        jdbc.update("update pas_outbox set status = 'delivered', finished_at = ?, last_error = null, sent_at = null where id = ?",
                ts(now), id);
    }

    /**
     * The payer pended the request: ask it again for its decision at {@code next}. A row a claim update ended
     * meanwhile ({@link #stopAsking}) stays ended.
     */
    void awaiting(long id, Instant next, @Nullable String note) {
        jdbc.update("update pas_outbox set status = 'awaiting', next_attempt_at = ?, last_error = ?, sent_at = null"
                + " where id = ? and status in ('pending', 'awaiting')", ts(next), note, id);
    }

    /**
     * A claim update replaced (or cancelled) the request: the payer is no longer asked for its pended decision. A row
     * not delivered yet still goes, once: the update names that request, so the payer must have it.
     */
    void stopAsking(String claimId, Instant now, String why) {
        jdbc.update("update pas_outbox set status = 'expired', finished_at = ?, last_error = ?"
                + " where claim_id = ? and status = 'awaiting'", ts(now), why, claimId);
    }

    /** @param inDoubt whether the payer may have the request (the next attempt asks it first) */
    void retryAt(long id, Instant at, String error, boolean inDoubt) {
        jdbc.update("update pas_outbox set next_attempt_at = ?, last_error = ?,"
                + " sent_at = case when ? then coalesce(sent_at, now()) else null end where id = ?", ts(at), error, inDoubt, id);
    }

    void failed(long id, Instant now, String error) {
        jdbc.update("update pas_outbox set status = 'failed', finished_at = ?, last_error = ?, sent_at = null where id = ?",
                ts(now), error, id);
    }

    /** Still pended when the server stops asking: the answer on file stays pended. */
    void expired(long id, Instant now, String why) {
        jdbc.update("update pas_outbox set status = 'expired', finished_at = ?, last_error = ? where id = ?", ts(now), why, id);
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
