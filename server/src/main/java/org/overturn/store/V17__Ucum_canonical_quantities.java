package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Re-indexes every resource holding a UCUM quantity. From this version a quantity in UCUM units is indexed also in
 * canonical units (1.6 g/L as 1600 g.m-3, {@link UcumCanonical}), so that a search in another unit of the same
 * dimension finds it; resources stored before would match only searches in their own unit until re-indexed.
 */
final class V17__Ucum_canonical_quantities extends BaseJavaMigration {
    /** HAPI writes JSON without spaces: a Quantity's system as it looks in the stored text. */
    private static final String UCUM_QUANTITY = "\"system\":\"http://unitsofmeasure\\.org\"";

    private final Reindexing reindexing;

    V17__Ucum_canonical_quantities(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.reindexing = new Reindexing(ctx, new SearchIndexer(ctx, registry, localBases));
    }

    @Override
    public void migrate(Context context) throws SQLException {
        reindexing.reindexMatching(context.getConnection(), UCUM_QUANTITY, "hold UCUM quantities");
    }
}
