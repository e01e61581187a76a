package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Indexes the pairs of R4's composite parameters (V18's {@code idx_composite}) for the resources stored before, of
 * every type that has such a parameter (Observation, Questionnaire): their other index rows are written again too,
 * by the same indexer as writes use.
 */
final class V19__Composite_pairs extends BaseJavaMigration {
    private final Reindexing reindexing;
    private final String types;

    V19__Composite_pairs(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.reindexing = new Reindexing(ctx, new SearchIndexer(ctx, registry, localBases));
        this.types = String.join("|", registry.resourceTypes().stream()
                .filter(t -> registry.params(t).stream().anyMatch(p -> p.components() != null))
                .sorted()
                .toList());
    }

    @Override
    public void migrate(Context context) throws SQLException {
        if (!types.isEmpty()) {
            // HAPI writes resourceType first and without spaces.
            reindexing.reindexMatching(context.getConnection(), "^\\{\"resourceType\":\"(" + types + ")\"",
                    "are of a type with composite parameters (" + types.replace("|", ", ") + ")");
        }
    }
}
