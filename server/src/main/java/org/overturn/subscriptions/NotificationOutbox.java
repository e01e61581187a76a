package org.overturn.subscriptions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.overturn.platform.OutboxLease;
import org.springframework.jdbc.core.JdbcTemplate;
import org.jspecify.annotations.Nullable;

/**
 * The tables {@code subscription_state} and {@code subscription_notification}. Every method joins the caller's
 * transaction, so state and outbox rows land together with the change that caused them.
 */
final class NotificationOutbox {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<BackportSubscription.Criterion>> CRITERIA = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JdbcTemplate jdbc;

    NotificationOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** What the server keeps about one Subscription. */
    record State(String subscriptionId, String topic, String status, List<BackportSubscription.Criterion> filters,
            long eventsSinceStart, @Nullable Integer heartbeatSeconds) {}

    /** A notification claimed for delivery; {@code attempts} counts this one. */
    record Row(long id, String subscriptionId, String kind, @Nullable Long eventNumber, String topic,
            @Nullable String focusType, @Nullable String focusId, @Nullable Long focusVersion,
            List<String> additionalContext, Instant eventAt, int attempts) {}

    void saveState(String id, String topic, String status, List<BackportSubscription.Criterion> filters,
            @Nullable Integer heartbeatSeconds) {
        jdbc.update("insert into subscription_state (subscription_id, topic, status, filters, heartbeat_seconds)"
                        + " values (?, ?, ?, ?, ?) on conflict (subscription_id) do update set topic = excluded.topic,"
                        + " status = excluded.status, filters = excluded.filters, heartbeat_seconds = excluded.heartbeat_seconds",
                id, topic, status, json(filters), heartbeatSeconds);
    }

    /**
     * Deletes finished notifications: handshakes and heartbeats a day after they finished, events after
     * {@code retention}. Any instance may run it at any time; answers how many rows went.
     */
    int purgeFinished(Instant now, Duration retention) {
        return jdbc.update("delete from subscription_notification where status <> 'pending' and (finished_at < ?"
                        + " or (kind <> 'event-notification' and finished_at < ?))",
                ts(now.minus(retention)), ts(now.minus(Duration.ofDays(1))));
    }

    void saveStatus(String id, String status) {
        jdbc.update("update subscription_state set status = ? where subscription_id = ?", status, id);
    }

    /** The next heartbeat is due at {@code at} (null: none, e.g. not active or no heartbeat period). */
    void scheduleHeartbeat(String id, @Nullable Instant at) {
        jdbc.update("update subscription_state set next_heartbeat_at = ? where subscription_id = ?", at == null ? null : ts(at), id);
    }

    /** After a delivery the channel is known to be alive: the heartbeat waits one more period. */
    void postponeHeartbeat(String id, Instant now) {
        jdbc.update("update subscription_state set next_heartbeat_at = ? + heartbeat_seconds * interval '1 second'"
                + " where subscription_id = ? and status = 'active' and heartbeat_seconds is not null", ts(now), id);
    }

    void deleteState(String id) {
        jdbc.update("delete from subscription_state where subscription_id = ?", id);
    }

    Optional<State> state(String id) {
        return jdbc.query("select subscription_id, topic, status, filters, events_since_start, heartbeat_seconds"
                + " from subscription_state where subscription_id = ?", (rs, n) -> state(rs), id).stream().findFirst();
    }

    /** Subscriptions of {@code topic} that still count events: requested, active, or in error (delivered once active). */
    List<State> subscribers(String topic) {
        return jdbc.query("select subscription_id, topic, status, filters, events_since_start, heartbeat_seconds"
                + " from subscription_state where topic = ? and status <> 'off' order by subscription_id", (rs, n) -> state(rs), topic);
    }

    private static State state(java.sql.ResultSet rs) throws java.sql.SQLException {
        int heartbeat = rs.getInt(6);
        return new State(rs.getString(1), rs.getString(2), rs.getString(3), parse(rs.getString(4), CRITERIA),
                rs.getLong(5), rs.wasNull() ? null : heartbeat);
    }

    /**
     * The next event number of a subscription. The row stays locked until the caller's transaction ends, so two
     * transactions never get the same number and numbers follow commit order.
     */
    long nextEventNumber(String id) {
        Long n = jdbc.queryForObject("update subscription_state set events_since_start = events_since_start + 1"
                + " where subscription_id = ? returning events_since_start", Long.class, id);
        if (n == null) {
            throw new IllegalStateException("no state for Subscription/" + id);
        }
        return n;
    }

    void enqueueEvent(String id, long number, String topic, String focusType, String focusId, long focusVersion,
            List<String> additionalContext, Instant at) {
        jdbc.update("insert into subscription_notification (subscription_id, kind, event_number, topic, focus_type, focus_id,"
                        + " focus_version, additional_context, event_at, next_attempt_at) values (?, 'event-notification', ?, ?, ?, ?, ?, ?, ?, ?)",
                id, number, topic, focusType, focusId, focusVersion, json(additionalContext), ts(at), ts(at));
    }

    /** A handshake for the subscription's current channel; one still waiting for an older channel is dropped. */
    void enqueueHandshake(String id, String topic, Instant at) {
        jdbc.update("update subscription_notification set status = 'failed', finished_at = ?, last_error = 'superseded by a"
                + " newer handshake' where subscription_id = ? and kind = 'handshake' and status = 'pending'", ts(at), id);
        jdbc.update("insert into subscription_notification (subscription_id, kind, topic, additional_context, event_at,"
                + " next_attempt_at) values (?, 'handshake', ?, '[]', ?, ?)", id, topic, ts(at), ts(at));
    }

    /**
     * Queues a heartbeat for each active subscription whose heartbeat is due and moves its next one a period on. The
     * update takes each row's lock and re-checks the condition, so with several instances each heartbeat is queued once.
     */
    int enqueueDueHeartbeats(Instant now) {
        List<String[]> due = jdbc.query("update subscription_state set next_heartbeat_at = ? + heartbeat_seconds * interval '1 second'"
                        + " where status = 'active' and heartbeat_seconds is not null and next_heartbeat_at <= ?"
                        + " returning subscription_id, topic",
                (rs, n) -> new String[] {rs.getString(1), rs.getString(2)}, ts(now), ts(now));
        for (String[] row : due) {
            jdbc.update("insert into subscription_notification (subscription_id, kind, topic, additional_context, event_at,"
                    + " next_attempt_at) values (?, 'heartbeat', ?, '[]', ?, ?)", row[0], row[1], ts(now), ts(now));
        }
        return due.size();
    }

    /**
     * Claims due notifications for this instance (rows another instance is claiming are skipped) and leases them. A
     * subscription's events go out one at a time in order (an event is due only when no earlier event of the same
     * subscription is still pending) and only while it is active, which its handshake makes it. Must run in a
     * transaction.
     */
    List<Row> claimDue(Instant now, int limit, Duration lease) {
        List<Row> rows = jdbc.query("select n.id, n.subscription_id, n.kind, n.event_number, n.topic, n.focus_type, n.focus_id,"
                        + " n.focus_version, n.additional_context, n.event_at, n.attempts"
                        + " from subscription_notification n join subscription_state s on s.subscription_id = n.subscription_id"
                        + " where n.status = 'pending' and n.next_attempt_at <= ?"
                        + " and (n.kind = 'handshake' or s.status = 'active')"
                        + " and (n.kind <> 'event-notification' or not exists (select 1 from subscription_notification e"
                        + "   where e.subscription_id = n.subscription_id and e.status = 'pending'"
                        + "   and e.kind = 'event-notification' and e.id < n.id))"
                        + " order by n.id limit ? for update of n skip locked",
                (rs, n) -> {
                    long number = rs.getLong(4);
                    Long eventNumber = rs.wasNull() ? null : number;
                    long version = rs.getLong(8);
                    Long focusVersion = rs.wasNull() ? null : version;
                    return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), eventNumber, rs.getString(5),
                            rs.getString(6), rs.getString(7), focusVersion, context(rs.getString(9)),
                            rs.getObject(10, OffsetDateTime.class).toInstant(), rs.getInt(11) + 1);
                },
                ts(now), limit);
        OutboxLease.lease(jdbc, "subscription_notification", "attempts + 1", rows.stream().map(Row::id).toList(),
                now.plus(lease));
        return rows;
    }

    /** Marks a row delivered; false when it is no longer pending (a newer handshake replaced it meanwhile). */
    boolean delivered(long id, Instant now) {
        return jdbc.update("update subscription_notification set status = 'delivered', finished_at = ?, last_error = null"
                + " where id = ? and status = 'pending'", ts(now), id) == 1;
    }

    void retryAt(long id, Instant at, String error) {
        jdbc.update("update subscription_notification set next_attempt_at = ?, last_error = ? where id = ?", ts(at), error, id);
    }

    void failed(long id, Instant now, String error) {
        jdbc.update("update subscription_notification set status = 'failed', finished_at = ?, last_error = ? where id = ?",
                ts(now), error, id);
    }

    /** An event the endpoint did not take stays queued, with its attempts reset, for when the subscription is active again. */
    void keepForReactivation(long id, Instant now, String error) {
        jdbc.update("update subscription_notification set attempts = 0, next_attempt_at = ?, last_error = ? where id = ?",
                ts(now), error, id);
    }

    /** Event notifications numbered {@code from} to {@code to}, in order, at most {@code limit}. */
    List<Row> events(String id, long from, long to, int limit) {
        return jdbc.query("select id, subscription_id, kind, event_number, topic, focus_type, focus_id, focus_version,"
                        + " additional_context, event_at, attempts from subscription_notification where subscription_id = ?"
                        + " and kind = 'event-notification' and event_number between ? and ? order by event_number limit ?",
                (rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getLong(8), context(rs.getString(9)),
                        rs.getObject(10, OffsetDateTime.class).toInstant(), rs.getInt(11)),
                id, from, to, limit);
    }

    /** The last delivery error of a subscription, for $status. */
    Optional<String> lastError(String id) {
        return jdbc.query("select last_error from subscription_notification where subscription_id = ? and last_error is not null"
                + " order by id desc limit 1", (rs, n) -> rs.getString(1), id).stream().findFirst();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The additional-context references of a row; none when the column is empty. */
    private static List<String> context(@Nullable String json) {
        return json == null ? List.of() : parse(json, STRINGS);
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON in a subscription table: " + e.getOriginalMessage(), e);
        }
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
