package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Recomputes one resource's compartment on every version and the index rows of its current version with the
 * indexer writes use: the shared step of the Java migrations that change how resources are indexed.
 */
final class Reindexing {
    private final FhirContext ctx;
    private final SearchIndexer indexer;

    Reindexing(FhirContext ctx, SearchIndexer indexer) {
        this.ctx = ctx;
        this.indexer = indexer;
    }

    /**
     * Re-indexes every resource one of whose stored versions matches {@code pattern} (a PostgreSQL regular expression
     * over the stored JSON), logging progress as {@code what}; the text filter finds them without parsing the rest.
     */
    void reindexMatching(Connection c, String pattern, String what) throws SQLException {
        java.util.List<String[]> candidates = new java.util.ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "select distinct res_type, res_id from resource_version where content ~ ? order by 1, 2")) {
            s.setString(1, pattern);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Reindexing.class);
        log.info("Re-indexing {} resources that {}", candidates.size(), what);
        int done = 0;
        java.util.Set<String> tables = existingIndexTables(c);
        for (String[] key : candidates) {
            reindex(c, key[0], key[1], tables);
            if (++done % 1000 == 0) {
                log.info("Re-indexed {} of {} resources", done, candidates.size());
            }
        }
    }

    /** The index tables the migrations so far have made: a migration re-indexes into those alone. */
    static java.util.Set<String> existingIndexTables(Connection c) throws SQLException {
        java.util.Set<String> tables = new java.util.HashSet<>();
        try (PreparedStatement s = c.prepareStatement("select table_name from information_schema.tables"
                + " where table_schema = current_schema() and table_name = any(?)")) {
            s.setArray(1, c.createArrayOf("text", JdbcResourceStore.indexTables().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    private void reindex(Connection c, String type, String id, java.util.Set<String> tables) throws SQLException {
        try (PreparedStatement versions = c.prepareStatement(
                "select version, content from resource_version where res_type = ? and res_id = ? and content is not null");
                PreparedStatement update = c.prepareStatement(
                        "update resource_version set patient_id = ? where res_type = ? and res_id = ? and version = ?")) {
            versions.setString(1, type);
            versions.setString(2, id);
            try (ResultSet rs = versions.executeQuery()) {
                while (rs.next()) {
                    update.setString(1, indexer.index(parse(rs.getString(2))).patientId);
                    update.setString(2, type);
                    update.setString(3, id);
                    update.setLong(4, rs.getLong(1));
                    update.addBatch();
                }
            }
            update.executeBatch();
        }
        String current = null;
        try (PreparedStatement s = c.prepareStatement(
                "select content from resource where res_type = ? and res_id = ? and not deleted")) {
            s.setString(1, type);
            s.setString(2, id);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    current = rs.getString(1);
                }
            }
        }
        if (current == null) {
            return; // deleted: it has no index rows
        }
        IndexRows rows = indexer.index(parse(current));
        WriteStatement w = new WriteStatement();
        w.step("update resource set patient_id = ? where res_type = ? and res_id = ?", rows.patientId, type, id);
        JdbcResourceStore.deleteIndexes(w, type, id, tables);
        JdbcResourceStore.indexRows(w, type, id, rows, tables);
        try (PreparedStatement s = w.prepare(c)) {
            s.execute();
        }
    }

    private IBaseResource parse(String content) {
        return ctx.newJsonParser().parseResource(content);
    }
}
