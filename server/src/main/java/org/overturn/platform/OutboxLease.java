package org.overturn.platform;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The lease both outboxes take on the rows one instance has claimed ({@code ... for update skip locked}): each row's
 * next attempt moves past the lease, so no other instance takes it while this one sends, and one that dies mid-send
 * leaves it to be retried once the lease runs out. One statement for all the rows claimed, in the claiming
 * transaction.
 */
public final class OutboxLease {
    private OutboxLease() {}

    /**
     * @param table the outbox table (a constant of the caller's, never input)
     * @param attempts the SQL expression the attempts column becomes (an attempt may not count, as a PAS inquiry)
     * @param ids the claimed rows
     */
    public static void lease(JdbcTemplate jdbc, String table, String attempts, List<Long> ids, Instant until) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.update("update " + table + " set attempts = " + attempts + ", next_attempt_at = ? where id = any(?)",
                until.atOffset(ZoneOffset.UTC), ids.toArray(new Long[0]));
    }
}
