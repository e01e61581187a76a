package org.overturn.store;

import java.time.Instant;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jspecify.annotations.Nullable;

/** One version of a resource as stored; {@code resource} is null for a deletion. */
public record StoredResource(
        String type, String id, long version, Instant lastUpdated, boolean deleted, @Nullable IBaseResource resource) {

    /** The resource of a version that is not a deletion, as read, search, create and update return. */
    public IBaseResource content() {
        return Objects.requireNonNull(resource, "a deletion has no content");
    }

    public String versionedReference() {
        return type + "/" + id + "/_history/" + version;
    }
}
