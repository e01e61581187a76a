package org.overturn.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.jspecify.annotations.Nullable;

/**
 * AuditEvents, stored in a table of their own (V15, ADR 0007): the server appends one per answered request, so they
 * are written far more often than anything else and never changed. One row each, with the columns the documented
 * searches use, instead of a current row, a version row and a dozen index rows. The searches offered are the ones an
 * auditor asks (who, what, which patient, when, how it ended); any other parameter is refused, not ignored.
 */
final class AuditTrail implements TypeStorage {
    static final String TYPE = ResourceTypes.AUDIT_EVENT;
    static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
    private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    /**
     * Each row as the store's own queries give a version (type, id, version, last updated, content, deleted, method),
     * so the same row mappers read both: an AuditEvent only ever has version 1, created, never deleted.
     */
    private static final String COLUMNS = "'AuditEvent', id, 1::bigint, last_updated, content, false, 'POST'";
    private static final List<String> PARAMS = ResourceTypes.AUDIT_EVENT_SEARCH_PARAMS;

    private final JdbcTemplate jdbc;
    private final List<String> localBases;
    private final Clock clock;

    AuditTrail(JdbcTemplate jdbc, List<String> localBases, Clock clock) {
        this.jdbc = jdbc;
        this.localBases = localBases;
        this.clock = clock;
    }

    /** The row of one AuditEvent: its entry's columns, with the id, time and JSON the store gave it. */
    record Row(String id, Instant lastUpdated, ResourceStore.AuditEntry entry, String content) {}

    /**
     * A new AuditEvent id: a version 7 UUID (RFC 9562), the time in milliseconds first and 74 random bits after. The
     * audit trail's primary key then grows at its right edge, as its time indexes do; random ids put each row on a
     * random page of an index that outgrows memory, and each page first touched after a checkpoint is written to the
     * WAL whole. The text form sorts as the time does (fixed-width hexadecimal).
     */
    static String newId(Instant at) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (at.toEpochMilli() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(high, low).toString();
    }

    /** Appends rows as a step of one statement, each column an array. */
    static void append(WriteStatement w, List<Row> rows) {
        List<Object[]> values = new ArrayList<>(rows.size());
        for (Row r : rows) {
            ResourceStore.AuditEntry e = r.entry();
            values.add(new Object[] {r.id(), e.recorded(), r.lastUpdated(), e.patients().isEmpty() ? null : e.patients().get(0),
                    e.entities(), e.subtype(), e.action(), e.outcome(), e.clientId(), e.address(), r.content()});
        }
        // Every patient named is among the entities (as Patient/<id>): searched there, by one GIN index (V16).
        w.manyRows("audit_event", "id text, recorded timestamptz, last_updated timestamptz, patient_id text,"
                + " entities text[], subtype text, action text, outcome text, client_id text,"
                + " address text, content text", values);
    }

    /** AuditEvents are appended by the server to a table of their own and never changed through the API. */
    @Override
    public void refuseClientWrite(String type) {
        throw new OverturnException(ErrorCode.METHOD_NOT_ALLOWED,
                "The audit trail is written by the server alone: AuditEvents cannot be created, changed or deleted", type);
    }

    @Override
    public void refuseReverseReach(String type, String parameter) {
        throw new OverturnException(ErrorCode.UNSUPPORTED_SEARCH,
                "AuditEvents are not reached by " + parameter + ": search AuditEvent?entity=... instead", parameter);
    }

    /** The one AuditEvent {@code id} names, if any, in the columns of {@link #COLUMNS}. */
    private <T> List<T> byId(String id, RowMapper<T> row) {
        return jdbc.query("select " + COLUMNS + " from audit_event where id = ?", row, id);
    }

    @Override
    public List<StoredJson> currentJson(String type, String id) {
        return byId(id, JdbcResourceStore::storedJson);
    }

    /** The audit trail keeps one version of each event, the first. */
    @Override
    public List<StoredJson> versionJson(String type, String id, long version) {
        return version == 1 ? currentJson(type, id) : List.of();
    }

    @Override
    public <T> List<T> current(String type, String id, RowMapper<T> row) {
        return byId(id, row);
    }

    /** An AuditEvent has only its first version. */
    @Override
    public <T> List<T> version(String type, String id, long version, RowMapper<T> row) {
        return version == 1 ? byId(id, row) : List.of();
    }

    @Override
    public @Nullable String storedCompartment(String type, String id) {
        List<String> rows = jdbc.query("select patient_id from audit_event where id = ?", (rs, n) -> rs.getString(1), id);
        if (rows.isEmpty()) {
            throw new OverturnException(ErrorCode.NOT_FOUND, TYPE + "/" + id + " does not exist");
        }
        return rows.get(0);
    }

    /** Newest first, as every history; AuditEvents only ever have their first version. */
    @Override
    public <T> List<T> history(
            @Nullable String type, @Nullable String id, @Nullable Instant since, int limit, int offset, RowMapper<T> row) {
        Sql sql = new Sql();
        if (id != null) {
            sql.and("id = ?", id);
        }
        if (since != null) {
            sql.and("last_updated >= ?", SqlSearch.utc(since));
        }
        sql.args.add(limit);
        sql.args.add(offset);
        return jdbc.query("select " + COLUMNS + " from audit_event where " + sql.where()
                + " order by last_updated desc, id desc limit ? offset ?", row, sql.args.toArray());
    }

    @Override
    public @Nullable Integer historyCount(@Nullable String type, @Nullable String id, @Nullable Instant since, int cap) {
        Sql sql = new Sql();
        if (id != null) {
            sql.and("id = ?", id);
        }
        if (since != null) {
            sql.and("last_updated >= ?", SqlSearch.utc(since));
        }
        return capped("select 1 from audit_event where " + sql.where(), sql.args, cap);
    }

    /** One page of matches, one row more than asked to tell whether more follow. */
    @Override
    public <T> List<T> page(SearchRequest request, int limit, RowMapper<T> row) {
        if (!request.includes().isEmpty() || !request.revIncludes().isEmpty()) {
            throw new OverturnException(ErrorCode.UNSUPPORTED_SEARCH,
                    "AuditEvent searches do not support _include or _revinclude", "_include");
        }
        Sql sql = filter(request);
        List<Object> args = new ArrayList<>(sql.args);
        args.add(limit);
        args.add(request.offset());
        return jdbc.query("select " + COLUMNS + " from audit_event where "
                + sql.where() + " order by " + order(request) + " limit ? offset ?", row, args.toArray());
    }

    @Override
    public @Nullable Integer count(SearchRequest request, int cap) {
        Sql sql = filter(request);
        return capped("select 1 from audit_event where " + sql.where(), sql.args, cap);
    }

    private @Nullable Integer capped(String select, List<Object> args, int cap) {
        List<Object> capped = new ArrayList<>(args);
        capped.add(cap + 1);
        Integer n = jdbc.queryForObject("select count(*) from (" + select + " limit ?) counted", Integer.class, capped.toArray());
        return n == null || n > cap ? null : n;
    }

    private static String order(SearchRequest request) {
        if (request.sort().isEmpty()) {
            return "recorded desc, id desc"; // an auditor reads the newest first
        }
        List<String> keys = new ArrayList<>();
        for (SearchRequest.SortKey key : request.sort()) {
            String column = switch (key.param().name()) {
                case "date" -> "recorded";
                case "_lastUpdated" -> "last_updated";
                case "_id" -> "id";
                default -> throw new OverturnException(ErrorCode.UNSUPPORTED_SEARCH,
                        "AuditEvent searches sort by date, _lastUpdated or _id, not " + key.param().name(), "_sort");
            };
            keys.add(column + (key.descending() ? " desc" : ""));
        }
        keys.add("id");
        return String.join(", ", keys);
    }

    private Sql filter(SearchRequest request) {
        Sql sql = new Sql();
        if (request.compartment() != null) {
            sql.and("entities @> array[?]::text[]", "Patient/" + request.compartment());
        }
        for (SearchRequest.Criterion c : request.criteria()) {
            String name = c.param().name();
            if (!PARAMS.contains(name)) {
                throw new OverturnException(ErrorCode.UNSUPPORTED_SEARCH, "AuditEvent searches support "
                        + String.join(", ", PARAMS) + "; not " + name, name);
            }
            boolean typeModifier = c.modifier() != null && (name.equals("patient") || name.equals("entity"))
                    && Character.isUpperCase(c.modifier().charAt(0));
            if (c.chain() != null || (c.modifier() != null && !typeModifier)) {
                throw new OverturnException(ErrorCode.UNSUPPORTED_SEARCH, "AuditEvent searches take " + name
                        + " without modifiers or chains", name);
            }
            List<String> any = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            for (String value : c.values()) {
                switch (name) {
                    case "_id" -> condition(any, args, "id = ?", value);
                    case "_lastUpdated", "date" -> {
                        String column = name.equals("date") ? "recorded" : "last_updated";
                        SqlSearch.Sql date = SqlSearch.dateCondition(column, column, value, name, clock.instant());
                        any.add(date.text());
                        args.addAll(date.args());
                    }
                    case "patient" -> {
                        String patient = reference(typeModifier ? c.modifier() + "/" + value : value, "Patient");
                        if (patient != null && patient.startsWith("Patient/")) {
                            condition(any, args, "entities @> array[?]::text[]", patient);
                        }
                    }
                    case "entity" -> {
                        String entity = reference(typeModifier ? c.modifier() + "/" + value : value, null);
                        if (entity != null && entity.contains("/")) {
                            condition(any, args, "entities @> array[?]::text[]", entity);
                        } else if (entity != null) {
                            // A bare id names a resource of any type.
                            condition(any, args, "exists (select 1 from unnest(entities) e where e like ?)", "%/" + like(entity));
                        }
                    }
                    case "type" -> {
                        if (tokenMatches(value, EVENT_TYPE, "rest")) {
                            any.add("true");
                        }
                    }
                    case "subtype" -> token(any, args, "subtype", value, INTERACTION);
                    case "action" -> token(any, args, "action", value, "http://hl7.org/fhir/audit-event-action");
                    case "outcome" -> token(any, args, "outcome", value, "http://hl7.org/fhir/audit-event-outcome");
                    case "altid" -> token(any, args, "client_id", value, null);
                    case "address" -> condition(any, args, "lower(address) like ?", like(value.toLowerCase(Locale.ROOT)) + "%");
                    default -> throw new IllegalStateException(name);
                }
            }
            sql.and(any.isEmpty() ? "false" : "(" + String.join(" or ", any) + ")", args.toArray());
        }
        return sql;
    }

    /** A reference search value as {@code Type/id} (or a bare id), or null when it names another server's resource. */
    private @Nullable String reference(String value, @Nullable String defaultType) {
        String v = value;
        for (String base : localBases) {
            String prefix = base.endsWith("/") ? base : base + "/";
            if (v.startsWith(prefix)) {
                v = v.substring(prefix.length());
            }
        }
        if (v.contains("://")) {
            return null;
        }
        return v.contains("/") || defaultType == null ? v : defaultType + "/" + v;
    }

    /** A token criterion on a column holding the code of a fixed system ({@code system} null: no system). */
    private static void token(List<String> any, List<Object> args, String column, String value, @Nullable String system) {
        int bar = value.indexOf('|');
        if (bar < 0) {
            condition(any, args, column + " = ?", value);
        } else if (value.substring(0, bar).equals(system == null ? "" : system)) {
            condition(any, args, column + " = ?", value.substring(bar + 1));
        }
    }

    private static boolean tokenMatches(String value, String system, String code) {
        int bar = value.indexOf('|');
        return bar < 0 ? value.equals(code) : value.substring(0, bar).equals(system) && value.substring(bar + 1).equals(code);
    }

    private static void condition(List<String> any, List<Object> args, String sql, Object arg) {
        any.add(sql);
        args.add(arg);
    }

    private static String like(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** A where clause of AND-ed conditions and their arguments. */
    private static final class Sql {
        private final List<String> conditions = new ArrayList<>();
        private final List<Object> args = new ArrayList<>();

        void and(String condition, Object... values) {
            conditions.add(condition);
            args.addAll(List.of(values));
        }

        String where() {
            return conditions.isEmpty() ? "true" : String.join(" and ", conditions);
        }
    }
}
