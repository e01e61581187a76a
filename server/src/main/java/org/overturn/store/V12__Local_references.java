package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Re-indexes every resource that holds an absolute reference. Until this version an absolute reference to any server
 * was indexed as a local one, so {@code https://ehr.example.org/fhir/Patient/7} matched this server's Patient/7 in
 * searches and put the resource in that patient's compartment. The indexer now keeps such references as URLs only
 * (local only under {@code overturn.fhir.base-url}); this recomputes the index rows of current versions and the
 * compartment of every version. A Java migration because the index rows come from the same indexer as writes do, not
 * from SQL; Flyway runs it once, in one transaction, whichever instance starts first.
 */
final class V12__Local_references extends BaseJavaMigration {
    /** HAPI writes JSON without spaces: an absolute URL in a reference looks like this in the stored text. */
    private static final String ABSOLUTE_REFERENCE = "\"reference\":\"[a-zA-Z][a-zA-Z0-9+.-]*://";

    private final Reindexing reindexing;

    V12__Local_references(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.reindexing = new Reindexing(ctx, new SearchIndexer(ctx, registry, localBases));
    }

    @Override
    public void migrate(Context context) throws SQLException {
        reindexing.reindexMatching(context.getConnection(), ABSOLUTE_REFERENCE, "hold absolute references");
    }
}
