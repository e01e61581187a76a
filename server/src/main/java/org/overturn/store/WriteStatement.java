package org.overturn.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ResultSetExtractor;

/**
 * Several writes as one SQL statement: each step is a data-modifying CTE, and rows are inserted from one array per
 * column ({@code unnest}), so a resource version (or a batch of them) costs one round trip whatever its number of
 * index rows. The steps see the same snapshot, so deleting a resource's old index rows and inserting its new ones
 * may share it.
 */
final class WriteStatement {
    private final StringBuilder sql = new StringBuilder("with ");
    private final List<Object> args = new ArrayList<>();
    private int steps;
    /** The statement's own query, over its steps; by default it reads none of them. */
    private String result = "select 1";
    private List<Object> resultArgs = List.of();

    void step(String statement, @Nullable Object... values) {
        sql.append(steps > 0 ? ", " : "").append("s").append(steps++).append(" as (").append(statement).append(")");
        args.addAll(Arrays.asList(values));
    }

    /**
     * Inserts rows of several resources into one table from one array per column: {@code columns} names every column
     * with its SQL type ("res_type text, res_id text, ..."), in the order each row gives its values. A {@code text[]}
     * column takes a {@code List<String>} per row (sent joined by the unit separator, which no value holds).
     */
    void manyRows(String table, String columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Shape shape = Shape.of(columns);
        step("insert into " + table + " (" + shape.names + ") select " + shape.selects + " from unnest(" + shape.arrays
                + ") as u(" + shape.names + ")", shape.cells(rows));
    }

    /**
     * Makes one resource's rows in a table those given, touching only the rows that differ: rows the table holds and
     * {@code rows} lacks are deleted, rows {@code rows} has and the table lacks are inserted, equal rows stay. An update
     * that changes one value rewrites one index row, not all of them, and leaves that few dead rows for vacuum.
     * {@code columns} as for {@link #manyRows}, starting with "res_type text, res_id text"; the caller holds the
     * resource's row lock, so nobody else writes these rows meanwhile.
     */
    void replaceRows(String table, String columns, String type, String id, List<Object[]> rows) {
        if (rows.isEmpty()) {
            step("delete from " + table + " where res_type = ? and res_id = ?", type, id);
            return;
        }
        Shape shape = Shape.of(columns);
        String wanted = "s" + steps;
        step("select " + shape.selects + " from unnest(" + shape.arrays + ") as u(" + shape.names + ")", shape.cells(rows));
        step("delete from " + table + " i where i.res_type = ? and i.res_id = ? and not exists (select 1 from " + wanted
                + " n where true" + shape.same + ")", type, id);
        step("insert into " + table + " (" + shape.names + ") select " + shape.names + " from " + wanted + " n"
                + " where not exists (select 1 from " + table + " i where i.res_type = ? and i.res_id = ?" + shape.same + ")",
                type, id);
    }

    /** What the statement answers: a query over the steps (each {@code s<n>}), taking {@code values} after theirs. */
    void result(String query, @Nullable Object... values) {
        result = query;
        resultArgs = Arrays.asList(values);
    }

    /** Runs a statement made by {@link #prepare} and reads what its {@link #result} query answers. */
    static <T> T query(PreparedStatement prepared, ResultSetExtractor<T> reader) throws SQLException {
        prepared.execute(); // the plan setting's result
        prepared.getMoreResults();
        try (ResultSet rows = prepared.getResultSet()) {
            return java.util.Objects.requireNonNull(reader.extractData(rows), "the reader answers");
        }
    }

    /**
     * A column list ("res_type text, res_id text, ...") as the SQL that turns one array per column back into rows, and
     * the condition that a new row ({@code n}) equals a stored one ({@code i}); worked out once per list, since the
     * writes name the same few lists over and over.
     */
    private record Shape(boolean[] lists, String names, String selects, String arrays, String same) {
        private static final java.util.Map<String, Shape> BY_COLUMNS = new java.util.concurrent.ConcurrentHashMap<>();

        static Shape of(String columns) {
            return BY_COLUMNS.computeIfAbsent(columns, Shape::parse);
        }

        private static Shape parse(String columns) {
            String[] parts = columns.split(",\\s*");
            boolean[] lists = new boolean[parts.length];
            StringBuilder names = new StringBuilder();
            StringBuilder selects = new StringBuilder();
            StringBuilder arrays = new StringBuilder();
            StringBuilder same = new StringBuilder();
            for (int c = 0; c < parts.length; c++) {
                String[] nameType = parts[c].trim().split(" ");
                String name = nameType[0];
                lists[c] = nameType[1].endsWith("[]");
                names.append(c > 0 ? ", " : "").append(name);
                selects.append(c > 0 ? ", " : "")
                        .append(lists[c] ? "string_to_array(u." + name + ", chr(31)) as " + name : "u." + name);
                arrays.append(c > 0 ? ", " : "").append("?::").append(lists[c] ? "text" : nameType[1]).append("[]");
                if (!name.equals("res_type") && !name.equals("res_id")) {
                    // numeric as text: 1.0 and 1.00 are equal numbers but not the same stored precision
                    String cast = nameType[1].equals("numeric") ? "::text" : "";
                    same.append(" and n.").append(name).append(cast).append(" is not distinct from i.").append(name).append(cast);
                }
            }
            return new Shape(lists, names.toString(), selects.toString(), arrays.toString(), same.toString());
        }

        /** The rows' values, one text array per column. */
        @SuppressWarnings("unchecked")
        Object[] cells(List<Object[]> rows) {
            Object[] cells = new Object[lists.length];
            for (int c = 0; c < lists.length; c++) {
                String[] column = new String[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    Object value = rows.get(r)[c];
                    column[r] = lists[c] ? String.join(UNIT_SEPARATOR, (List<String>) value) : text(value);
                }
                cells[c] = column;
            }
            return cells;
        }
    }

    private static final String UNIT_SEPARATOR = "\u001f";

    /** Array elements travel as text and are cast by the statement (timestamps as ISO instants). */
    private static @Nullable String text(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    }

    /**
     * The statement, planned once per connection: a write's plan hardly depends on its values, and planning a
     * statement of some twenty steps anew for each update (PostgreSQL keeps choosing custom plans for it) cost more
     * than executing it. The plan mode is set for this statement alone, in the same round trip: inside a transaction it
     * is given back after the statement; a statement committed on its own (autocommit) ends the setting with it, and
     * sets it with set_config, as SET LOCAL outside a transaction block logs a warning each time.
     */
    PreparedStatement prepare(Connection connection) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(connection.getAutoCommit()
                ? "select set_config('plan_cache_mode', 'force_generic_plan', true); " + sql + " " + result
                : "set local plan_cache_mode = force_generic_plan; " + sql + " " + result
                        + "; set local plan_cache_mode to default");
        List<Object> all = new ArrayList<>(args);
        all.addAll(resultArgs);
        for (int i = 0; i < all.size(); i++) {
            Object arg = all.get(i);
            if (arg instanceof String[] array) {
                ps.setArray(i + 1, connection.createArrayOf("text", array));
            } else {
                ps.setObject(i + 1, arg);
            }
        }
        return ps;
    }
}
