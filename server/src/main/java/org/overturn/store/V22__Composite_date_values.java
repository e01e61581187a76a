package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Indexes R4's code-value-date pairs for the Observations stored before: the indexer could not evaluate that
 * composite's value expression as R4 spells it ({@code as(DateTime)}, which the server's FHIRPath types did not
 * know; see {@code FhirPathTypes#fetchStructureDefinition}) and wrote no pair. Only Observations with a date or period
 * value somewhere are read again; their other index rows are written again too, by the indexer writes use.
 */
final class V22__Composite_date_values extends BaseJavaMigration {
    private final Reindexing reindexing;

    V22__Composite_date_values(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.reindexing = new Reindexing(ctx, new SearchIndexer(ctx, registry, localBases));
    }

    @Override
    public void migrate(Context context) throws SQLException {
        // HAPI writes resourceType first and without spaces.
        reindexing.reindexMatching(context.getConnection(), "^\\{\"resourceType\":\"Observation\".*\"value(DateTime|Period)\"",
                "are Observations with a date or period value (code-value-date)");
    }
}
