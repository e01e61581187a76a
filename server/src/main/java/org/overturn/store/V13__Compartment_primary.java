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
 * Recomputes the primary compartment ({@code patient_id}) of resources that name a Patient more than once. Until this
 * version the primary was the first compartment parameter in indexing order, so an Observation whose performer was
 * one patient and whose subject another was filed under the performer; it is now the {@code patient} parameter's
 * patient when that is a member. Further members are computed from the content on every check, so only resources
 * naming two or more patients can change; the text filter finds them without parsing the rest.
 */
final class V13__Compartment_primary extends BaseJavaMigration {
    private static final Logger log = LoggerFactory.getLogger(V13__Compartment_primary.class);
    /** HAPI writes JSON without spaces; two Patient references anywhere in one version. */
    private static final String TWO_PATIENTS = "\"reference\":\"[^\"]*Patient/.*\"reference\":\"[^\"]*Patient/";

    private final Reindexing reindexing;

    V13__Compartment_primary(FhirContext ctx, SearchParameterRegistry registry, List<String> localBases) {
        this.reindexing = new Reindexing(ctx, new SearchIndexer(ctx, registry, localBases));
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        List<String[]> candidates = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "select distinct res_type, res_id from resource_version where content ~ ? order by 1, 2")) {
            s.setString(1, TWO_PATIENTS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        log.info("Recomputing the compartment of {} resources that name more than one patient", candidates.size());
        int done = 0;
        for (String[] key : candidates) {
            reindexing.reindex(c, key[0], key[1]);
            if (++done % 1000 == 0) {
                log.info("Recomputed {} of {} resources", done, candidates.size());
            }
        }
    }
}
