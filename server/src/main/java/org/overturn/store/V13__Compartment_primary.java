package org.overturn.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Recomputes the primary compartment ({@code patient_id}) of resources that name a Patient more than once. Until this
 * version the primary was the first compartment parameter in indexing order, so an Observation whose performer was
 * one patient and whose subject another was filed under the performer; it is now the {@code patient} parameter's
 * patient when that is a member. Further members are computed from the content on every check, so only resources
 * naming two or more patients can change; the text filter finds them without parsing the rest.
 */
final class V13__Compartment_primary extends BaseJavaMigration {
    /** HAPI writes JSON without spaces; two Patient references anywhere in one version. */
    private static final String TWO_PATIENTS = "\"reference\":\"[^\"]*Patient/.*\"reference\":\"[^\"]*Patient/";

    private final Reindexing reindexing;

    V13__Compartment_primary(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.reindexing = new Reindexing(ctx, new SearchIndexer(ctx, registry, localBases));
    }

    @Override
    public void migrate(Context context) throws SQLException {
        reindexing.reindexMatching(context.getConnection(), TWO_PATIENTS, "name more than one patient");
    }
}
