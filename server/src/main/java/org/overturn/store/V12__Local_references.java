package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-indexes every resource that holds an absolute reference. Until this version an absolute reference to any server
 * was indexed as a local one, so {@code https://ehr.example.org/fhir/Patient/7} matched this server's Patient/7 in
 * searches and put the resource in that patient's compartment. The indexer now keeps such references as URLs only
 * (local only under {@code overturn.fhir.base-url}); this recomputes the index rows of current versions and the
 * compartment of every version. A Java migration because the index rows come from the same indexer as writes do, not
 * from SQL; Flyway runs it once, in one transaction, whichever instance starts first.
 */
final class V12__Local_references extends BaseJavaMigration {
    private static final Logger log = LoggerFactory.getLogger(V12__Local_references.class);
    /** HAPI writes JSON without spaces: an absolute URL in a reference looks like this in the stored text. */
    private static final String ABSOLUTE_REFERENCE = "\"reference\":\"[a-zA-Z][a-zA-Z0-9+.-]*://";

    private final Reindexing reindexing;

    V12__Local_references(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.reindexing = new Reindexing(ctx, new SearchIndexer(ctx, registry, localBases));
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        List<String[]> candidates = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "select distinct res_type, res_id from resource_version where content ~ ? order by 1, 2")) {
            s.setString(1, ABSOLUTE_REFERENCE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        log.info("Re-indexing {} resources that hold absolute references", candidates.size());
        int done = 0;
        for (String[] key : candidates) {
            reindexing.reindex(c, key[0], key[1]);
            if (++done % 1000 == 0) {
                log.info("Re-indexed {} of {} resources", done, candidates.size());
            }
        }
    }
}
