package org.overturn.fhir;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.overturn.security.AccessContext;
import org.jspecify.annotations.Nullable;

/** System-level interactions: transaction and batch Bundles, and the history of everything. */
final class SystemProvider {
    private final BundleProcessor bundles;
    private final FhirInteractions interactions;
    private final AccessContext access;
    private final AccessInterceptor accessChecks;

    SystemProvider(
            BundleProcessor bundles, FhirInteractions interactions, AccessContext access, AccessInterceptor accessChecks) {
        this.bundles = bundles;
        this.interactions = interactions;
        this.access = access;
        this.accessChecks = accessChecks;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
        accessChecks.bundle(access.current(), bundle); // every entry, as if it came alone
        return bundles.process(bundle, request);
    }

    @History
    public IBundleProvider systemHistory(
            @Since @Nullable Date since, @Count @Nullable Integer count, RequestDetails request) {
        return interactions.history(null, null, since, count, request);
    }
}
