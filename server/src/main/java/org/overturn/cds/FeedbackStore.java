package org.overturn.cds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

/** Card feedback (CDS Hooks 2.0): checked whole, then stored in one transaction, so a bad item stores nothing. */
final class FeedbackStore {
    private static final Set<String> OUTCOMES = Set.of("accepted", "overridden");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;

    FeedbackStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
    }

    /** Stores each item of {@code body.feedback}; answers how many. */
    int store(String serviceId, JsonNode body, String client) {
        JsonNode items = body == null ? null : body.get("feedback");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw CdsRequests.invalid("The body must be {\"feedback\": [ ... ]} with at least one item");
        }
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String where = "feedback[" + i + "]";
            String card = item.path("card").asText("");
            String outcome = item.path("outcome").asText("");
            if (card.isBlank()) {
                throw CdsRequests.invalid(where + ".card (the card's uuid) is required");
            }
            if (!OUTCOMES.contains(outcome)) {
                throw CdsRequests.invalid(where + ".outcome must be accepted or overridden, not '" + outcome + "'");
            }
            OffsetDateTime at;
            try {
                at = OffsetDateTime.parse(item.path("outcomeTimestamp").asText(""));
            } catch (DateTimeParseException e) {
                throw CdsRequests.invalid(where + ".outcomeTimestamp must be an ISO 8601 instant with an offset");
            }
            rows.add(new Object[] {serviceId, card, outcome, Timestamp.from(at.toInstant()), client, item.toString()});
        }
        tx.executeWithoutResult(s -> jdbc.batchUpdate("insert into cds_feedback (service_id, card_uuid, outcome,"
                + " outcome_timestamp, client, item) values (?, ?, ?, ?, ?, ?::jsonb)", rows));
        return rows.size();
    }

    /** The newest feedback for a service (for one card when given), each item as received plus when and from whom. */
    List<JsonNode> find(String serviceId, @Nullable String card, int limit) {
        String sql = "select item, received_at, client from cds_feedback where service_id = ?"
                + (card == null ? "" : " and card_uuid = ?") + " order by received_at desc, id desc limit ?";
        Object[] args = card == null ? new Object[] {serviceId, limit} : new Object[] {serviceId, card, limit};
        return jdbc.query(sql, (rs, n) -> {
            try {
                ObjectNode item = (ObjectNode) json.readTree(rs.getString("item"));
                item.put("receivedAt", rs.getTimestamp("received_at").toInstant().toString());
                item.put("client", rs.getString("client"));
                return item;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }, args);
    }
}
