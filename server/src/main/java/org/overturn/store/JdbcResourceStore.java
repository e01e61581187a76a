package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionTimedOutException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link ResourceStore} on PostgreSQL. The current version lives in {@code resource}, every version in
 * {@code resource_version}, and the index tables are rewritten in the same transaction as the resource. A row lock on
 * the resource serializes concurrent writers of one resource across server instances.
 */
final class JdbcResourceStore implements ResourceStore {
    private static final String COLUMNS = "res_type, res_id, version, last_updated, content";

    private final FhirContext ctx;
    private final SearchParameterRegistry registry;
    private final SearchIndexer indexer;
    /** The index tables each type's parameters write to: an update rewrites only those. */
    private final Map<String, java.util.Set<String>> indexTables;
    /** The generic tables, for every type not kept elsewhere. */
    private final ResourceTables tables;
    /** The types kept in a table of their own, appended by the server alone. */
    private final Map<String, TypeStorage> appendOnly;
    private final SearchRequestParser parser;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    /** Read-only work (searches, history) under overturn.store.search-budget. */
    private final TransactionTemplate budgeted;
    private final StoreProperties properties;
    private final Map<String, List<WriteRule>> rules;
    private final Map<String, List<WriteListener>> listeners;
    private final Clock clock;

    JdbcResourceStore(
            FhirContext ctx,
            SearchParameterRegistry registry,
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            StoreProperties properties,
            List<String> localBases,
            List<WriteRule> rules,
            List<WriteListener> listeners,
            Clock clock) {
        this.rules = rules.stream().collect(java.util.stream.Collectors.groupingBy(WriteRule::resourceType));
        this.listeners = listeners.stream().collect(java.util.stream.Collectors.groupingBy(WriteListener::resourceType));
        this.ctx = ctx;
        this.registry = registry;
        this.indexer = new SearchIndexer(ctx, registry, localBases);
        Map<String, java.util.Set<String>> byType = new java.util.HashMap<>();
        for (String type : registry.resourceTypes()) {
            byType.put(type, registry.params(type).stream().filter(p -> !p.isColumn()).map(SqlSearch::table)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet()));
        }
        this.indexTables = Map.copyOf(byType);
        this.tables = new ResourceTables(jdbc, registry, clock);
        this.appendOnly = Map.of(AuditTrail.TYPE, new AuditTrail(jdbc, localBases, clock));
        this.clock = clock;
        this.parser = new SearchRequestParser(registry, properties);
        this.jdbc = jdbc;
        this.tx = tx;
        this.budgeted = new TransactionTemplate(tx.getTransactionManager());
        this.budgeted.setTimeout((int) properties.searchBudget().toSeconds());
        this.budgeted.setReadOnly(true);
        this.properties = properties;
    }

    /** Where the resources of {@code type} are kept; null (the whole server) is the generic tables. */
    private TypeStorage storage(@Nullable String type) {
        TypeStorage own = type == null ? null : appendOnly.get(type);
        return own != null ? own : tables;
    }

    @Override
    public @Nullable String patientCompartment(IBaseResource resource) {
        return indexer.index(resource).patientId;
    }

    @Override
    public java.util.Set<String> patientCompartments(IBaseResource resource) {
        // Not Set.copyOf: contains(null) (a caller without a patient) must answer false, not throw.
        return java.util.Collections.unmodifiableSet(indexer.index(resource).compartments);
    }

    @Override
    public java.util.Set<String> storedCompartments(String type, String id) {
        // Recomputed from the stored content: the primary patient_id is on the row, further members are not stored.
        StoredResource stored = read(type, id);
        return stored.resource() == null ? java.util.Collections.emptySet() : patientCompartments(stored.resource());
    }

    @Override
    public @Nullable String storedCompartment(String type, String id) {
        return storage(type).storedCompartment(type, id);
    }

    @Override
    public boolean supports(String type) {
        return registry.supports(type);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        T result = tx.execute(status -> work.get());
        if (result == null) {
            throw new IllegalStateException("transaction work returned null");
        }
        return result;
    }

    // ---- writes ----

    @Override
    public WriteResult create(IBaseResource resource, @Nullable String ifNoneExist) {
        return create(resource, ifNoneExist, null);
    }

    @Override
    public ConditionalWrites withinCompartment(String patient) {
        return new ConditionalWrites() {
            @Override
            public WriteResult create(IBaseResource resource, String ifNoneExist) {
                return JdbcResourceStore.this.create(resource, ifNoneExist, patient);
            }

            @Override
            public WriteResult update(String type, String query, IBaseResource resource) {
                return conditionalUpdate(type, query, resource, patient);
            }

            @Override
            public int delete(String type, String query) {
                return conditionalDelete(type, query, patient);
            }

            @Override
            public @Nullable String matchOne(String type, String condition) {
                return JdbcResourceStore.this.matchOne(type, condition, patient);
            }
        };
    }

    /** {@code compartment}: the one patient whose compartment the condition is matched in, or null for everywhere. */
    private WriteResult create(IBaseResource resource, @Nullable String ifNoneExist, @Nullable String compartment) {
        String type = typeOf(resource);
        storage(type).refuseClientWrite(type);
        if ((ifNoneExist == null || ifNoneExist.isBlank()) && standalone(type)) {
            // nothing to match first: one round trip, which commits it, instead of the statement and a COMMIT
            return write(type, newId(resource), resource, null, "POST", true);
        }
        return inTransaction(() -> {
            if (ifNoneExist != null && !ifNoneExist.isBlank()) {
                String match = matchOne(type, ifNoneExist, compartment);
                if (match != null) {
                    return new WriteResult(read(type, match), WriteResult.Kind.MATCHED);
                }
            }
            return write(type, newId(resource), resource, null, "POST", true);
        });
    }

    private static String newId(IBaseResource resource) {
        String given = resource.getIdElement().getIdPart();
        return given != null ? given : UUID.randomUUID().toString();
    }

    /**
     * Whether a write of {@code type} may be one statement committed on its own: there is no caller's transaction to
     * join, and no rule or listener of the type that reads the stored version first or acts in the write's transaction.
     */
    private boolean standalone(String type) {
        return !TransactionSynchronizationManager.isActualTransactionActive()
                && !rules.containsKey(type) && !listeners.containsKey(type);
    }

    @Override
    public void appendAudit(List<AuditEntry> events) {
        if (events.isEmpty()) {
            return;
        }
        inTransaction(() -> {
            Instant now = now();
            List<AuditTrail.Row> rows = new ArrayList<>(events.size());
            for (AuditEntry event : events) {
                String id = AuditTrail.newId(now);
                rows.add(new AuditTrail.Row(id, now, event, event.json().encode(id, now)));
            }
            WriteStatement w = new WriteStatement();
            AuditTrail.append(w, rows);
            jdbc.execute(w::prepare, PreparedStatement::execute);
            return events.size();
        });
    }

    @Override
    public WriteResult update(String type, String id, IBaseResource resource, @Nullable Long ifMatch) {
        storage(type).refuseClientWrite(type);
        if (ifMatch == null && standalone(type)) {
            WriteResult written = updateInOneStatement(type, id, resource);
            if (written != null) {
                return written;
            }
        }
        return inTransaction(() -> write(type, id, resource, ifMatch, "PUT", false));
    }

    /**
     * An update as one statement committed on its own, one round trip instead of three (row lock, write, commit): the
     * statement takes the row lock itself and numbers the version from the row it locked, writing that number into the
     * stored JSON's meta.versionId. Its other steps (the version row, the index rows) read the snapshot the statement
     * began with; when another writer committed this resource between that snapshot and the lock, the two disagree
     * and the statement fails as a whole ({@code overturn_concurrent_write}), and null sends the caller to the locked
     * path. Null too in the unexpected case that the encoded JSON does not open with the resource's versionId.
     */
    private @Nullable WriteResult updateInOneStatement(String type, String id, IBaseResource resource) {
        Instant now = now();
        Resource r = (Resource) resource;
        String content = stampAndEncode(type, id, r, 1, now);
        String head = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"";
        if (!content.startsWith(head + "1\"")) {
            return null;
        }
        IndexRows rows = indexer.index(r);
        String p = rows.patientId;
        WriteStatement w = new WriteStatement();
        w.step("select version, deleted from resource where res_type = ? and res_id = ?", type, id); // s0: as in the snapshot
        w.step("insert into resource as r (res_type, res_id, version, last_updated, deleted, patient_id, content)"
                + " values (?, ?, 1, ?, false, ?, ?) on conflict (res_type, res_id) do update set version = r.version + 1,"
                + " last_updated = excluded.last_updated, deleted = false, patient_id = excluded.patient_id,"
                + " content = overlay(excluded.content placing (r.version + 1)::text from ? for 1)"
                + " returning r.version, r.content", type, id, SqlSearch.utc(now), p, content, head.length() + 1);
        w.step("insert into resource_version (res_type, res_id, version, last_updated, deleted, method, patient_id, content)"
                + " select ?, ?, s1.version, ?, false, 'PUT', ?, s1.content from s1", type, id, SqlSearch.utc(now), p);
        IndexBatch batch = new IndexBatch();
        batch.add(type, id, rows);
        batch.replace(w, type, id, indexTables.getOrDefault(type, INDEX_TABLES));
        w.result("select case when s1.version = coalesce(s0.version, 0) + 1 then s1.version"
                + " else overturn_concurrent_write(s1.version) end, s0.deleted from s1 left join s0 on true");
        Object[] written;
        try {
            written = jdbc.execute(w::prepare, (PreparedStatement ps) -> WriteStatement.query(ps, rs -> {
                if (!rs.next()) {
                    throw new IllegalStateException("an upsert returned no row");
                }
                return new Object[] {rs.getLong(1), rs.getObject(2)};
            }));
        } catch (DataAccessException e) {
            if (e.getMostSpecificCause() instanceof SQLException sql && CONCURRENT_WRITE.equals(sql.getSQLState())) {
                return null;
            }
            throw e;
        }
        long version = (Long) java.util.Objects.requireNonNull(written)[0];
        String stored = head + version + content.substring(head.length() + 1);
        stamp(type, id, r, version, now); // its JSON is the one encoded above, with the statement's version
        r.setUserData(StoredJson.USER_DATA, stored);
        boolean created = written[1] == null || (Boolean) written[1];
        return new WriteResult(new StoredResource(type, id, version, now, false, r),
                created ? WriteResult.Kind.CREATED : WriteResult.Kind.UPDATED);
    }

    /** The SQLSTATE of {@code overturn_concurrent_write} (migration V21). */
    private static final String CONCURRENT_WRITE = "OV409";

    @Override
    public WriteResult conditionalUpdate(String type, String query, IBaseResource resource) {
        return conditionalUpdate(type, query, resource, null);
    }

    private WriteResult conditionalUpdate(String type, String query, IBaseResource resource, @Nullable String compartment) {
        storage(type).refuseClientWrite(type);
        return inTransaction(() -> {
            String match = matchOne(type, query, compartment);
            String bodyId = resource.getIdElement().getIdPart();
            String id;
            if (match == null) {
                id = bodyId != null ? bodyId : UUID.randomUUID().toString();
            } else {
                id = match;
                if (bodyId != null && !bodyId.equals(id)) {
                    throw new OverturnException(
                            ErrorCode.INVALID_REQUEST,
                            "The resource id '" + bodyId + "' differs from the id '" + id + "' the condition matched",
                            "Resource.id");
                }
            }
            if (compartment != null) {
                requireInCompartmentAlone(type, id, compartment); // also when nothing matched: the body's id may name another's
            }
            return write(type, id, resource, null, "PUT", false);
        });
    }

    @Override
    public WriteResult delete(String type, String id, @Nullable Long ifMatch) {
        storage(type).refuseClientWrite(type);
        return inTransaction(() -> {
            Current current = lockCurrent(type, id);
            if (current == null) {
                throw new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " does not exist");
            }
            if (ifMatch != null && (current.deleted || current.version != ifMatch)) {
                throw versionMismatch(type, id, ifMatch, current);
            }
            if (current.deleted) {
                return new WriteResult(
                        new StoredResource(type, id, current.version, current.lastUpdated, true, null),
                        WriteResult.Kind.ALREADY_DELETED);
            }
            List<WriteRule> typeRules = rules.getOrDefault(type, List.of());
            List<WriteListener> typeListeners = listeners.getOrDefault(type, List.of());
            IBaseResource before = typeRules.isEmpty() && typeListeners.isEmpty() ? null : read(type, id).resource();
            for (WriteRule rule : typeRules) {
                rule.checkDelete(requireResource(before));
            }
            long version = current.version + 1;
            Instant now = now();
            WriteStatement w = new WriteStatement();
            w.step("update resource set version = ?, last_updated = ?, deleted = true, content = null"
                    + " where res_type = ? and res_id = ?", version, SqlSearch.utc(now), type, id);
            w.step("insert into resource_version (res_type, res_id, version, last_updated, deleted, method, patient_id,"
                    + " content) values (?, ?, ?, ?, true, 'DELETE', ?, null)",
                    type, id, version, SqlSearch.utc(now), current.patientId);
            deleteIndexes(w, type, id);
            jdbc.execute(w::prepare, PreparedStatement::execute);
            StoredResource deleted = new StoredResource(type, id, version, now, true, null);
            typeListeners.forEach(listener -> listener.written(before, deleted));
            return new WriteResult(deleted, WriteResult.Kind.DELETED);
        });
    }

    @Override
    public int conditionalDelete(String type, String query) {
        return conditionalDelete(type, query, null);
    }

    private int conditionalDelete(String type, String query, @Nullable String compartment) {
        storage(type).refuseClientWrite(type);
        return inTransaction(() -> {
            List<String> matches = matchIds(condition(type, query, compartment), properties.maxPageSize() + 1);
            if (matches.size() > properties.maxPageSize()) {
                throw new OverturnException(
                        ErrorCode.MULTIPLE_MATCHES,
                        "Conditional delete '" + query + "' matches more than " + properties.maxPageSize() + " resources");
            }
            if (compartment != null) {
                matches.forEach(id -> requireInCompartmentAlone(type, id, compartment));
            }
            matches.forEach(id -> delete(type, id, null));
            return matches.size();
        });
    }

    private WriteResult write(
            String type, String id, IBaseResource resource, @Nullable Long ifMatch, String method, boolean fresh) {
        Current current = fresh ? null : lockCurrent(type, id);
        if (ifMatch != null && (current == null || current.deleted || current.version != ifMatch)) {
            throw versionMismatch(type, id, ifMatch, current);
        }
        List<WriteRule> typeRules = rules.getOrDefault(type, List.of());
        List<WriteListener> typeListeners = listeners.getOrDefault(type, List.of());
        IBaseResource previous = null;
        if (!typeRules.isEmpty() || !typeListeners.isEmpty()) {
            previous = current == null || current.deleted ? null : read(type, id).resource();
        }
        if (current != null && current.deleted && !typeRules.isEmpty()) {
            // Brought back after a deletion: the rules judge it against the version before the deletion.
            IBaseResource last = requireResource(vread(type, id, current.version - 1).resource());
            for (WriteRule rule : typeRules) {
                rule.checkRevival(last, resource);
            }
        } else {
            for (WriteRule rule : typeRules) {
                rule.check(previous, resource);
            }
        }
        long version = current == null ? 1 : current.version + 1;
        Instant now = now();
        Resource r = (Resource) resource;
        String content = stampAndEncode(type, id, r, version, now);
        r.setUserData(StoredJson.USER_DATA, content);
        IndexRows rows = indexer.index(r);
        WriteStatement statement = versionWrite(type, id, version, now, method, content, rows, current != null,
                indexTables.getOrDefault(type, INDEX_TABLES));
        jdbc.execute(statement::prepare, PreparedStatement::execute);
        boolean created = current == null || current.deleted;
        StoredResource written = new StoredResource(type, id, version, now, false, r);
        for (WriteListener listener : typeListeners) {
            listener.written(previous, written);
        }
        return new WriteResult(written, created ? WriteResult.Kind.CREATED : WriteResult.Kind.UPDATED);
    }

    /** Gives the resource its id, version and time of writing, and returns it encoded as it is stored. */
    private String stampAndEncode(String type, String id, Resource r, long version, Instant now) {
        stamp(type, id, r, version, now);
        String content = ctx.newJsonParser().encodeResourceToString(r);
        if (holdsNul(content)) {
            // FHIR strings never hold U+0000 (string: [ \r\n\t\S]+), and the database's text cannot: a clear 400.
            throw new OverturnException(ErrorCode.MALFORMED_BODY,
                    type + ": a value holds the character U+0000, which no FHIR string may contain", type);
        }
        return content;
    }

    private static void stamp(String type, String id, Resource r, long version, Instant now) {
        r.setId(new IdType(type, id, Long.toString(version)));
        r.getMeta().setVersionId(Long.toString(version));
        r.getMeta().setLastUpdated(Date.from(now));
    }

    /** Whether encoded JSON holds an escaped U+0000 (a backslash-escaped backslash before "u0000" is text, not one). */
    static boolean holdsNul(String json) {
        for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
            int backslashes = 0;
            for (int i = at - 1; i >= 0 && json.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 0) {
                return true;
            }
        }
        return false;
    }

    private static OverturnException versionMismatch(String type, String id, long expected, @Nullable Current current) {
        String actual = current == null ? "it does not exist" : current.deleted ? "it is deleted" : "the current version is " + current.version;
        return new OverturnException(
                ErrorCode.VERSION_MISMATCH,
                "If-Match expected version " + expected + " of " + type + "/" + id + " but " + actual
                        + "; read the resource again and retry");
    }

    private record Current(long version, boolean deleted, Instant lastUpdated, @Nullable String patientId) {}

    private @Nullable Current lockCurrent(String type, String id) {
        List<Current> rows = jdbc.query(
                "select version, deleted, last_updated, patient_id from resource where res_type = ? and res_id = ? for update",
                (rs, n) -> new Current(
                        rs.getLong(1), rs.getBoolean(2), rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4)),
                type, id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public @Nullable String matchOne(String type, String query) {
        return matchOne(type, query, null);
    }

    private @Nullable String matchOne(String type, String query, @Nullable String compartment) {
        storage(type).refuseClientWrite(type); // conditions serve conditional writes, and references to what is about to be written
        SearchRequest condition = condition(type, query, compartment);
        // Serializes conditional writes with the same criteria until this transaction ends, however the client spelled
        // them (encoded or not, in any order), so that two writers, on any instance, cannot both create.
        jdbc.query("select pg_advisory_xact_lock(hashtext(?))", rs -> {}, conditionKey(condition));
        List<String> matches = matchIds(condition, 2);
        if (matches.size() > 1) {
            throw new OverturnException(
                    ErrorCode.MULTIPLE_MATCHES,
                    "The condition '" + query + "' matches more than one " + type + "; make it more specific");
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    @Override
    public boolean requireInCompartmentAlone(String type, String id, String patient) {
        Set<String> members;
        try {
            members = storedCompartments(type, id);
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw e.code() == ErrorCode.GONE ? notKnown(type, id) : e;
        }
        if (!members.contains(patient)) {
            throw notKnown(type, id);
        }
        if (!members.equals(Set.of(patient))) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "The resource is also in another patient's"
                    + " compartment; a patient-scoped token may change only resources of its own patient alone");
        }
        return true;
    }

    /** The answer to a patient-scoped caller about another patient's resource: the same as for an id never stored. */
    private static OverturnException notKnown(String type, String id) {
        return new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " is not known");
    }

    /** {@code _has} over a type whose references are not in the reference index would silently match nothing. */
    private void refuseUnindexedReverseChains(SearchRequest request) {
        for (SearchRequest.Criterion c : request.criteria()) {
            c.reverseChainTypes().forEach(source -> storage(source).refuseReverseReach(source, "_has:" + source));
        }
    }

    /**
     * A condition parsed for a conditional write. One with no criterion left after parsing (only result parameters such
     * as _summary or _count, or empty values) would match every resource of the type, so it is refused.
     */
    private SearchRequest condition(String type, String query, @Nullable String compartment) {
        SearchRequest parsed = parseQuery(type, query);
        if (parsed.criteria().stream().anyMatch(c -> !c.reverseChainTypes().isEmpty())) {
            throw new OverturnException(ErrorCode.INVALID_REQUEST, "The condition '" + query + "' uses _has: a conditional"
                    + " write names the resource by its own search parameters, such as identifier");
        }
        SearchRequest request = compartment == null ? parsed : parsed.withinCompartment(compartment);
        if (request.criteria().isEmpty()) {
            throw new OverturnException(
                    ErrorCode.INVALID_REQUEST,
                    "The condition '" + query + "' holds no search criterion (result parameters such as _summary, _format"
                            + " or _count and empty values are not criteria), so it would match every " + type
                            + "; name the resource with at least one search parameter, such as identifier");
        }
        return request;
    }

    /** The criteria of a condition in one canonical form: decoded values, sorted within each criterion and overall. */
    static String conditionKey(SearchRequest condition) {
        return condition.resourceType() + "?" + condition.criteria().stream()
                .map(JdbcResourceStore::criterionKey)
                .sorted()
                .collect(java.util.stream.Collectors.joining("&"));
    }

    private static String criterionKey(SearchRequest.Criterion c) {
        String name = c.param().name() + (c.modifier() == null ? "" : ":" + c.modifier());
        if (c.reverse()) {
            return "_has:" + c.chainTypes().get(0) + ":" + name + ":" + criterionKey(java.util.Objects.requireNonNull(c.chain()));
        }
        if (c.chain() != null) {
            return name + "." + String.join(",", c.chainTypes()) + "." + criterionKey(c.chain());
        }
        return name + "=" + c.values().stream().sorted().collect(java.util.stream.Collectors.joining(","));
    }

    private static IBaseResource requireResource(@Nullable IBaseResource resource) {
        if (resource == null) {
            throw new IllegalStateException("a live version has no content");
        }
        return resource;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private String typeOf(IBaseResource resource) {
        return ctx.getResourceType(resource);
    }

    /** Each index table and its columns after res_type, res_id and patient_id, with their SQL types. */
    private static final Map<String, String> INDEX_COLUMNS = orderedMap(
            "idx_string", "param text, value_norm text, value_exact text",
            "idx_token", "param text, system text, code text, text_norm text",
            "idx_reference", "param text, target_type text, target_id text, target_url text",
            "idx_date", "param text, low timestamptz, high timestamptz",
            "idx_quantity", "param text, value numeric, system text, code text",
            "idx_uri", "param text, uri text",
            "idx_token_date", "param text, system text, code text, low timestamptz, high timestamptz",
            "idx_composite", "param text, system text, code text, value_system text, value_code text, value numeric,"
                    + " low timestamptz, high timestamptz, value_norm text, value_exact text");
    private static final java.util.Set<String> INDEX_TABLES = INDEX_COLUMNS.keySet();

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /** The index rows of one or more resources, by table, each row led by its resource's key and patient_id. */
    static final class IndexBatch {
        private final Map<String, List<Object[]>> byTable = new java.util.LinkedHashMap<>();

        void add(String type, String id, IndexRows rows) {
            String p = rows.patientId;
            rows.strings.forEach(x -> row("idx_string", type, id, p, x.param(), x.norm(), x.exact()));
            rows.tokens.forEach(x -> row("idx_token", type, id, p, x.param(), x.system(), x.code(), x.textNorm()));
            rows.references.forEach(x -> row("idx_reference", type, id, p, x.param(), x.targetType(), x.targetId(), x.url()));
            rows.dates.forEach(x -> row("idx_date", type, id, p, x.param(), x.low(), x.high()));
            rows.quantities.forEach(x -> row("idx_quantity", type, id, p, x.param(), x.value(), x.system(), x.code()));
            rows.uris.forEach(x -> row("idx_uri", type, id, p, x.param(), x.uri()));
            rows.tokenDates.forEach(x -> row("idx_token_date", type, id, p, x.param(), x.system(), x.code(), x.low(), x.high()));
            rows.composites.forEach(x -> row("idx_composite", type, id, p, x.param(), x.system(), x.code(), x.valueSystem(),
                    x.valueCode(), x.value(), x.low(), x.high(), x.valueNorm(), x.valueExact()));
        }

        private void row(String table, @Nullable Object... values) {
            byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(values);
        }

        /** One step per table with rows: its inserts come from one array per column. */
        void insert(WriteStatement w) {
            byTable.forEach((table, rows) -> w.manyRows(table, columns(table), rows));
        }

        /**
         * The rows of one resource replace its rows in each index table its type's parameters write to (no other
         * table can hold any), only those that differ being written.
         */
        void replace(WriteStatement w, String type, String id, java.util.Set<String> typeTables) {
            for (String table : INDEX_TABLES) {
                if (!typeTables.contains(table)) {
                    continue;
                }
                w.replaceRows(table, columns(table), type, id, byTable.getOrDefault(table, List.of()));
            }
        }

        private static String columns(String table) {
            return "res_type text, res_id text, patient_id text, " + INDEX_COLUMNS.get(table);
        }
    }

    /** The resource's index rows go, as steps of the statement that writes its new version (or its deletion). */
    static void deleteIndexes(WriteStatement w, String type, String id) {
        deleteIndexes(w, type, id, INDEX_TABLES);
    }

    /** As {@link #deleteIndexes(WriteStatement, String, String)}, in {@code tables} only (those a migration has made). */
    static void deleteIndexes(WriteStatement w, String type, String id, java.util.Set<String> tables) {
        for (String table : INDEX_TABLES) {
            if (tables.contains(table)) {
                w.step("delete from " + table + " where res_type = ? and res_id = ?", type, id);
            }
        }
    }

    /** Every index table, by name. */
    static java.util.Set<String> indexTables() {
        return INDEX_TABLES;
    }

    /**
     * The whole write of a version as one statement (one round trip): the current row, the version row and, as
     * data-modifying CTEs, the index rows from arrays (on an update, only those that changed deleted and inserted).
     */
    private static WriteStatement versionWrite(String type, String id, long version, Instant now, String method,
            String content, IndexRows rows, boolean exists, java.util.Set<String> typeTables) {
        WriteStatement w = new WriteStatement();
        String p = rows.patientId;
        if (exists) {
            w.step("update resource set version = ?, last_updated = ?, deleted = false, patient_id = ?, content = ?"
                    + " where res_type = ? and res_id = ?", version, SqlSearch.utc(now), p, content, type, id);
        } else {
            w.step("insert into resource (res_type, res_id, version, last_updated, deleted, patient_id, content)"
                    + " values (?, ?, ?, ?, false, ?, ?)", type, id, version, SqlSearch.utc(now), p, content);
        }
        w.step("insert into resource_version (res_type, res_id, version, last_updated, deleted, method, patient_id, content)"
                + " values (?, ?, ?, ?, false, ?, ?, ?)", type, id, version, SqlSearch.utc(now), method, p, content);
        IndexBatch batch = new IndexBatch();
        batch.add(type, id, rows);
        if (exists) {
            // most updates change a few values: the index rows that stay equal are not rewritten (nor left dead)
            batch.replace(w, type, id, typeTables);
        } else {
            batch.insert(w);
        }
        return w;
    }

    /**
     * Inserts a resource's index rows, each carrying its patient compartment, into {@code tables} only: a Java
     * migration runs before later migrations have made the tables today's indexer also writes to.
     */
    static void indexRows(WriteStatement w, String type, String id, IndexRows rows, java.util.Set<String> tables) {
        IndexBatch batch = new IndexBatch();
        batch.add(type, id, rows);
        batch.byTable.keySet().retainAll(tables);
        batch.insert(w);
    }

    // ---- reads ----

    @Override
    public @Nullable StoredJson readJson(String type, String id) {
        List<StoredJson> rows = storage(type).currentJson(type, id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public @Nullable StoredJson vreadJson(String type, String id, long version) {
        List<StoredJson> rows = storage(type).versionJson(type, id, version);
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public StoredResource read(String type, String id) {
        List<StoredResource> rows = storage(type).current(type, id, (rs, n) -> stored(rs, rs.getBoolean(6)));
        if (rows.isEmpty()) {
            throw new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " is not known");
        }
        StoredResource found = rows.get(0);
        if (found.deleted()) {
            throw new OverturnException(
                    ErrorCode.GONE, type + "/" + id + " was deleted (version " + found.version() + ")");
        }
        return found;
    }

    @Override
    public StoredResource vread(String type, String id, long version) {
        List<StoredResource> rows = storage(type).version(type, id, version, (rs, n) -> stored(rs, rs.getBoolean(6)));
        if (rows.isEmpty()) {
            throw new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " has no version " + version);
        }
        if (rows.get(0).deleted()) {
            throw new OverturnException(ErrorCode.GONE, "Version " + version + " of " + type + "/" + id + " is a deletion");
        }
        return rows.get(0);
    }

    @Override
    public Page<HistoryEntry> history(
            @Nullable String type, @Nullable String id, @Nullable Instant since, int count, int offset) {
        TypeStorage storage = storage(type);
        return withinBudget(() -> {
            Integer total = storage.historyCount(type, id, since, properties.maxTotal());
            if (id != null && type != null && total != null && total == 0) {
                read(type, id); // 404 for an unknown resource rather than an empty history
            }
            List<HistoryEntry> entries = storage.history(type, id, since, count + 1, offset,
                    (rs, n) -> new HistoryEntry(stored(rs, rs.getBoolean(6)), rs.getString(7)));
            boolean more = entries.size() > count;
            return new Page<>(more ? entries.subList(0, count) : entries, List.of(), total, more);
        });
    }

    @Override
    public Page<HistoryEntry> historyWithinCompartment(
            List<String> types, String patient, @Nullable Instant since, int count, int offset) {
        for (String type : types) {
            if (storage(type) != tables) {
                throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE, "The history of " + type + " is"
                        + " not narrowed to a compartment; search " + type + " instead (a patient's token finds its own"
                        + " events)");
            }
        }
        // Candidates: versions filed under the patient, and every version of a resource that names the patient now by
        // one of its types' compartment parameters (a performer). Each type's own parameters are checked again below.
        String[] params = types.stream().flatMap(t -> registry.params(t).stream())
                .filter(SearchParam::inPatientCompartment).map(SearchParam::name).distinct().toArray(String[]::new);
        // One type keeps "res_type = ?", which its (res_type, last_updated) index reads in order.
        StringBuilder where = new StringBuilder(types.size() == 1 ? " where r.res_type = ?" : " where r.res_type = any(?)");
        List<Object> args = new ArrayList<>(List.of(types.size() == 1 ? types.get(0) : types.toArray(new String[0])));
        if (since != null) {
            where.append(" and r.last_updated >= ?");
            args.add(SqlSearch.utc(since));
        }
        where.append(" and (r.patient_id = ? or (r.res_type, r.res_id) in (select i.res_type, i.res_id"
                + " from idx_reference i where i.target_type = 'Patient' and i.target_id = ? and i.res_type = any(?)"
                + " and i.param = any(?)))");
        args.addAll(List.of(patient, patient, types.toArray(new String[0]), params));
        args.add(count + 1);
        args.add(offset);
        Page<HistoryEntry> page = withinBudget(() -> {
            List<HistoryEntry> entries = jdbc.query(
                    "select res_type, res_id, version, last_updated, content, deleted, method, patient_id"
                            + " from resource_version r" + where + " order by last_updated desc, version desc limit ? offset ?",
                    (rs, n) -> new HistoryEntry(stored(rs, rs.getBoolean(6)), rs.getString(7), rs.getString(8)),
                    args.toArray());
            boolean more = entries.size() > count;
            return new Page<>(more ? entries.subList(0, count) : entries, List.of(), null, more);
        });
        // The query holds versions of the patient's primary resources and every version of the resources that name the
        // patient now (a performer); of those, only the versions that were themselves in the compartment enter.
        List<HistoryEntry> members = page.items().stream().filter(e -> wasInCompartment(e, patient)).toList();
        // No total: it would count the versions left out.
        return new Page<>(members, List.of(), null, page.hasMore());
    }

    @Override
    public Page<HistoryEntry> historyWithinCompartment(
            String type, String id, String patient, @Nullable Instant since, int count, int offset) {
        TypeStorage storage = storage(type);
        List<HistoryEntry> members = withinBudget(() -> {
            // Every version of the one resource: whether any was the patient's decides between a history and a 404,
            // whatever _since and the page ask for, so that the answer says nothing of resources the patient never saw.
            List<HistoryEntry> all = storage != tables
                    ? storage.history(type, id, null, Integer.MAX_VALUE, 0,
                            (rs, n) -> new HistoryEntry(stored(rs, rs.getBoolean(6)), rs.getString(7)))
                    : jdbc.query("select res_type, res_id, version, last_updated, content, deleted, method, patient_id"
                                    + " from resource_version where res_type = ? and res_id = ?"
                                    + " order by last_updated desc, version desc",
                            (rs, n) -> new HistoryEntry(stored(rs, rs.getBoolean(6)), rs.getString(7), rs.getString(8)),
                            type, id);
            return all.stream().filter(e -> wasInCompartment(e, patient)).toList();
        });
        if (members.isEmpty()) {
            throw new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " is not known");
        }
        List<HistoryEntry> inRange = since == null ? members
                : members.stream().filter(e -> !e.stored().lastUpdated().isBefore(since)).toList();
        int from = Math.min(offset, inRange.size());
        int to = (int) Math.min((long) from + count, inRange.size());
        return new Page<>(inRange.subList(from, to), List.of(), inRange.size(), to < inRange.size());
    }

    /**
     * The history rule of ADR 0007, shared by type and instance history: a version is shown to Patient/{@code patient}
     * only if it was itself in the patient's compartment, as a vread checks it. A deletion has no content: it is shown
     * when the version it deleted was filed under the patient (its row carries that version's primary patient).
     */
    private boolean wasInCompartment(HistoryEntry entry, String patient) {
        return patient.equals(entry.primaryPatient()) || (entry.stored().resource() != null
                && patientCompartments(entry.stored().resource()).contains(patient));
    }

    @Override
    public SearchRequest parseQuery(String type, String query) {
        return parser.parse(type, QueryString.parse(query), false);
    }

    @Override
    public SearchRequest parse(String type, Map<String, List<String>> params, boolean lenient) {
        return parser.parse(type, params, lenient);
    }

    @Override
    public Page<StoredResource> search(SearchRequest request, Predicate<StoredResource> includable) {
        for (SearchRequest.Include include : request.revIncludes()) {
            storage(include.sourceType()).refuseReverseReach(include.sourceType(), "_revinclude");
        }
        refuseUnindexedReverseChains(request);
        return withinBudget(() -> {
            Page<StoredResource> matches = matches(request, (rs, n) -> stored(rs, false));
            return new Page<>(matches.items(), includes(request, matches.items(), includable), matches.total(),
                    matches.hasMore());
        });
    }

    @Override
    public Page<StoredJson> searchJson(SearchRequest request) {
        if (!request.includes().isEmpty() || !request.revIncludes().isEmpty()) {
            throw new IllegalArgumentException("searchJson answers searches without _include or _revinclude");
        }
        refuseUnindexedReverseChains(request);
        return withinBudget(() -> matches(request, (rs, n) -> new StoredJson(rs.getString(1), rs.getString(2),
                rs.getLong(3), rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5))));
    }

    /**
     * Runs read-only work within the search budget: each statement may use only what is left of it, and the database
     * cancels what runs past it, so a costly search frees its connection long before the statement timeout. Inside a
     * caller's transaction (a transaction Bundle, a feature's unit of work) the caller's bounds apply instead.
     */
    private <T> T withinBudget(Supplier<T> read) {
        try {
            return budgeted.execute(status -> read.get());
        } catch (RuntimeException e) {
            if (!ranPastBudget(e)) {
                throw e;
            }
            throw new OverturnException(ErrorCode.SEARCH_TOO_COSTLY, "The search ran past the "
                    + properties.searchBudget().toSeconds() + " s this server gives one request and was stopped;"
                    + " narrow it (more specific criteria, a smaller _count, fewer _include) and retry", null);
        }
    }

    private static boolean ranPastBudget(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransactionTimedOutException
                    || (t instanceof SQLException sql && "57014".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** One page of matches (one more row is read to know whether more follow) and the total when known or asked. */
    private <T> Page<T> matches(SearchRequest request, RowMapper<T> row) {
        TypeStorage storage = storage(request.resourceType());
        List<T> rows = new ArrayList<>(storage.page(request, request.count() + 1, row));
        boolean more = rows.size() > request.count();
        if (more) {
            rows = rows.subList(0, request.count());
        }
        Integer total = null;
        if (request.total() != SearchRequest.Total.NONE) {
            total = storage.count(request, properties.maxTotal());
        } else if (!more && (request.offset() == 0 || !rows.isEmpty())) {
            total = request.offset() + rows.size();
        }
        return new Page<>(rows, List.of(), total, more);
    }

    private List<String> matchIds(SearchRequest request, int limit) {
        String type = request.resourceType();
        SearchRequest limited = new SearchRequest(type, request.criteria(), List.of(), limit, 0, List.of(), List.of(),
                SearchRequest.Total.NONE, request.compartment());
        SqlSearch.Sql sql = SqlSearch.page(limited, limit, registry, clock.instant());
        return jdbc.query(sql.text(), (rs, n) -> rs.getString(2), sql.args().toArray());
    }

    private static final int MAX_INCLUDE_DEPTH = 4;

    private List<StoredResource> includes(
            SearchRequest request, List<StoredResource> matches, Predicate<StoredResource> includable) {
        if (request.includes().isEmpty() && request.revIncludes().isEmpty()) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        matches.forEach(m -> seen.add(m.type() + "/" + m.id()));
        List<StoredResource> result = new ArrayList<>();
        List<StoredResource> current = matches;
        for (int depth = 0; depth < MAX_INCLUDE_DEPTH && !current.isEmpty(); depth++) {
            // Every query below is limited to what the page may still take, so that a resource referenced by a
            // million others costs one page, not a million rows read and dropped.
            int budget = properties.maxIncludes() - result.size();
            Map<String, Set<String>> wanted = new LinkedHashMap<>();
            for (SearchRequest.Include inc : request.includes()) {
                if (depth == 0 || inc.iterate()) {
                    forwardTargets(inc, current, wanted, budget + seen.size());
                }
            }
            for (SearchRequest.Include inc : request.revIncludes()) {
                if (depth == 0 || inc.iterate()) {
                    reverseSources(inc, current, wanted, budget + seen.size());
                }
            }
            List<StoredResource> found = new ArrayList<>();
            for (Map.Entry<String, Set<String>> e : wanted.entrySet()) {
                int left = budget - found.size();
                if (left <= 0) {
                    break;
                }
                List<String> ids = e.getValue().stream().filter(i -> seen.add(e.getKey() + "/" + i)).limit(left).toList();
                if (!ids.isEmpty()) {
                    fetch(e.getKey(), ids).stream().filter(includable).forEach(found::add);
                }
            }
            result.addAll(found);
            if (result.size() >= properties.maxIncludes()) {
                return result.subList(0, properties.maxIncludes());
            }
            current = found;
        }
        return result;
    }

    private void forwardTargets(
            SearchRequest.Include inc, List<StoredResource> sources, Map<String, Set<String>> wanted, int limit) {
        String[] ids = sources.stream().filter(s -> s.type().equals(inc.sourceType())).map(StoredResource::id).toArray(String[]::new);
        if (ids.length == 0) {
            return;
        }
        StringBuilder sql = new StringBuilder(
                "select target_type, target_id from idx_reference where res_type = ? and res_id = any(?) and target_id is not null");
        List<Object> args = new ArrayList<>(List.of(inc.sourceType(), ids));
        if (inc.param() != null) {
            sql.append(" and param = ?");
            args.add(inc.param());
        }
        if (inc.targetType() != null) {
            sql.append(" and target_type = ?");
            args.add(inc.targetType());
        }
        sql.append(" limit ?");
        args.add(limit);
        jdbc.query(sql.toString(), rs -> {
            if (registry.supports(rs.getString(1))) {
                wanted.computeIfAbsent(rs.getString(1), k -> new java.util.LinkedHashSet<>()).add(rs.getString(2));
            }
        }, args.toArray());
    }

    private void reverseSources(
            SearchRequest.Include inc, List<StoredResource> targets, Map<String, Set<String>> wanted, int limit) {
        Map<String, List<String>> byType = new LinkedHashMap<>();
        targets.forEach(t -> byType.computeIfAbsent(t.type(), k -> new ArrayList<>()).add(t.id()));
        for (Map.Entry<String, List<String>> e : byType.entrySet()) {
            if (inc.targetType() != null && !inc.targetType().equals(e.getKey())) {
                continue;
            }
            StringBuilder sql = new StringBuilder(
                    "select res_id from idx_reference where res_type = ? and target_type = ? and target_id = any(?)");
            List<Object> args = new ArrayList<>(List.of(inc.sourceType(), e.getKey(), e.getValue().toArray(new String[0])));
            if (inc.param() != null) {
                sql.append(" and param = ?");
                args.add(inc.param());
            }
            sql.append(" limit ?");
            args.add(limit);
            jdbc.query(sql.toString(), rs -> {
                wanted.computeIfAbsent(inc.sourceType(), k -> new java.util.LinkedHashSet<>()).add(rs.getString(1));
            }, args.toArray());
        }
    }

    private List<StoredResource> fetch(String type, List<String> ids) {
        return jdbc.query(
                "select " + COLUMNS + " from resource where res_type = ? and res_id = any(?) and not deleted order by res_id",
                (rs, n) -> stored(rs, false),
                type, ids.toArray(new String[0]));
    }

    static StoredJson storedJson(ResultSet rs, int n) throws SQLException {
        return new StoredJson(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getObject(4, OffsetDateTime.class).toInstant(),
                rs.getString(5));
    }

    private StoredResource stored(ResultSet rs, boolean deleted) throws SQLException {
        String content = rs.getString(5);
        IBaseResource resource = null;
        if (content != null) {
            IParser json = ctx.newJsonParser();
            resource = json.parseResource(content);
            resource.setUserData(StoredJson.USER_DATA, content);
        }
        return new StoredResource(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getObject(4, OffsetDateTime.class).toInstant(),
                deleted,
                resource);
    }
}
