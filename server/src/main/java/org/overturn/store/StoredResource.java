package org.overturn.store;

import java.time.Instant;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.lang.Nullable;

/** One version of a resource as stored; {@code resource} is null for a deletion. */
public record StoredResource(
        String type, String id, long version, Instant lastUpdated, boolean deleted, @Nullable IBaseResource resource) {

    public String versionedReference() {
        return type + "/" + id + "/_history/" + version;
    }
}
