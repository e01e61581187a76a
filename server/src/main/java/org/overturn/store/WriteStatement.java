package org.overturn.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

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

    void step(String statement, @Nullable Object... values) {
        sql.append(steps > 0 ? ", " : "").append("s").append(steps++).append(" as (").append(statement).append(")");
        args.addAll(Arrays.asList(values));
    }

    /**
     * Inserts rows of several resources into one table from one array per column: {@code columns} names every column
     * with its SQL type ("res_type text, res_id text, ..."), in the order each row gives its values. A {@code text[]}
     * column takes a {@code List<String>} per row (sent joined by the unit separator, which no value holds).
     */
    @SuppressWarnings("unchecked")
    void manyRows(String table, String columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String[] defs = columns.split(",\\s*");
        StringBuilder names = new StringBuilder();
        StringBuilder selects = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        List<Object> cells = new ArrayList<>();
        for (int c = 0; c < defs.length; c++) {
            String[] nameType = defs[c].trim().split(" ");
            boolean list = nameType[1].endsWith("[]");
            names.append(c > 0 ? ", " : "").append(nameType[0]);
            selects.append(c > 0 ? ", " : "").append(list ? "string_to_array(u." + nameType[0] + ", chr(31))" : "u." + nameType[0]);
            arrays.append(c > 0 ? ", " : "").append("?::").append(list ? "text" : nameType[1]).append("[]");
            String[] column = new String[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                Object value = rows.get(r)[c];
                column[r] = list ? String.join(UNIT_SEPARATOR, (List<String>) value) : text(value);
            }
            cells.add(column);
        }
        step("insert into " + table + " (" + names + ") select " + selects + " from unnest(" + arrays + ") as u(" + names + ")",
                cells.toArray());
    }

    private static final String UNIT_SEPARATOR = "\u001f";

    /** Array elements travel as text and are cast by the statement (timestamps as ISO instants). */
    private static @Nullable String text(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    }

    PreparedStatement prepare(Connection connection) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql + " select 1");
        for (int i = 0; i < args.size(); i++) {
            Object arg = args.get(i);
            if (arg instanceof String[] array) {
                ps.setArray(i + 1, connection.createArrayOf("text", array));
            } else {
                ps.setObject(i + 1, arg);
            }
        }
        return ps;
    }
}
