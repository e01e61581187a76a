package org.overturn.store;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.jspecify.annotations.Nullable;

/**
 * The generic tables every type clients write is kept in: the current version in {@code resource}, every version in
 * {@code resource_version}, searches over the index tables ({@link SqlSearch}). Writes stay with the store, which
 * rewrites the index rows in the same transaction.
 */
final class ResourceTables implements TypeStorage {
    private final JdbcTemplate jdbc;
    private final SearchParameterRegistry registry;
    private final Clock clock;

    ResourceTables(JdbcTemplate jdbc, SearchParameterRegistry registry, Clock clock) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void refuseClientWrite(String type) {
        // clients write every type kept here
    }

    @Override
    public void refuseReverseReach(String type, String parameter) {
        // every type kept here has its references indexed
    }

    @Override
    public @Nullable String storedCompartment(String type, String id) {
        List<String[]> rows = jdbc.query("select deleted, patient_id from resource where res_type = ? and res_id = ?",
                (rs, n) -> new String[] {Boolean.toString(rs.getBoolean(1)), rs.getString(2)}, type, id);
        if (rows.isEmpty()) {
            throw new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " does not exist");
        }
        if (Boolean.parseBoolean(rows.get(0)[0])) {
            throw new OverturnException(ErrorCode.GONE, type + "/" + id + " is deleted");
        }
        return rows.get(0)[1];
    }

    @Override
    public List<StoredJson> currentJson(String type, String id) {
        return jdbc.query(
                "select version, last_updated, content from resource where res_type = ? and res_id = ? and not deleted",
                (rs, n) -> new StoredJson(type, id, rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3)),
                type, id);
    }

    @Override
    public List<StoredJson> versionJson(String type, String id, long version) {
        return jdbc.query(
                "select last_updated, content from resource_version where res_type = ? and res_id = ? and version = ? and not deleted",
                (rs, n) -> new StoredJson(type, id, version, rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2)),
                type, id, version);
    }

    @Override
    public <T> List<T> current(String type, String id, RowMapper<T> row) {
        return jdbc.query(
                "select res_type, res_id, version, last_updated, content, deleted from resource where res_type = ? and res_id = ?",
                row, type, id);
    }

    @Override
    public <T> List<T> version(String type, String id, long version, RowMapper<T> row) {
        return jdbc.query(
                "select res_type, res_id, version, last_updated, content, deleted from resource_version"
                        + " where res_type = ? and res_id = ? and version = ?",
                row, type, id, version);
    }

    @Override
    public @Nullable Integer historyCount(@Nullable String type, @Nullable String id, @Nullable Instant since, int cap) {
        List<Object> args = new ArrayList<>();
        String where = historyWhere(type, id, since, args);
        return cappedCount("select 1 from resource_version" + where, args, cap);
    }

    @Override
    public <T> List<T> history(
            @Nullable String type, @Nullable String id, @Nullable Instant since, int limit, int offset, RowMapper<T> row) {
        List<Object> args = new ArrayList<>();
        String where = historyWhere(type, id, since, args);
        args.add(limit);
        args.add(offset);
        return jdbc.query(
                "select res_type, res_id, version, last_updated, content, deleted, method from resource_version" + where
                        + " order by last_updated desc, version desc limit ? offset ?",
                row, args.toArray());
    }

    /** The whole server's history holds the resources clients write; an append-only type has a history of its own. */
    private static String historyWhere(@Nullable String type, @Nullable String id, @Nullable Instant since, List<Object> args) {
        StringBuilder where = new StringBuilder(" where true");
        if (type != null) {
            where.append(" and res_type = ?");
            args.add(type);
        }
        if (id != null) {
            where.append(" and res_id = ?");
            args.add(id);
        }
        if (since != null) {
            where.append(" and last_updated >= ?");
            args.add(SqlSearch.utc(since));
        }
        return where.toString();
    }

    @Override
    public <T> List<T> page(SearchRequest request, int limit, RowMapper<T> row) {
        SqlSearch.Sql page = SqlSearch.page(request, limit, registry, clock.instant());
        return jdbc.query(page.text(), row, page.args().toArray());
    }

    @Override
    public @Nullable Integer count(SearchRequest request, int cap) {
        SqlSearch.Sql count = SqlSearch.count(request, registry, clock.instant());
        return cappedCount(count.text(), count.args(), cap);
    }

    /** {@code count(*)} of what {@code select} returns, or null when that is more than {@code cap}. */
    private @Nullable Integer cappedCount(String select, List<Object> args, int cap) {
        List<Object> capped = new ArrayList<>(args);
        capped.add(cap + 1);
        Integer n = jdbc.queryForObject("select count(*) from (" + select + " limit ?) counted", Integer.class,
                capped.toArray());
        return n == null || n > cap ? null : n;
    }
}
