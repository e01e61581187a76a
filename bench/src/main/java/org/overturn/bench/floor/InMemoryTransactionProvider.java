package org.overturn.bench.floor;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;

/** Transaction Bundles of POSTs: new ids, urn:uuid references rewritten, everything kept in memory. */
public final class InMemoryTransactionProvider {
    private final InMemoryStore store;

    InMemoryTransactionProvider(InMemoryStore store) {
        this.store = store;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle) {
        Map<String, String> ids = new HashMap<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            ids.put(e.getFullUrl(), e.getResource().fhirType() + "/" + UUID.randomUUID());
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            for (Reference ref : FhirContext.forR4Cached().newTerser().getAllPopulatedChildElementsOfType(e.getResource(), Reference.class)) {
                String local = ids.get(ref.getReference());
                if (local != null) {
                    ref.setReference(local);
                }
            }
            String local = Objects.requireNonNull(ids.get(e.getFullUrl()), "every entry was given an id above");
            store.put(e.getResource(), local.substring(local.indexOf('/') + 1));
            response.addEntry().getResponse().setStatus("201 Created").setLocation(local + "/_history/1");
        }
        return response;
    }
}
