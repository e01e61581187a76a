package org.overturn.store;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jspecify.annotations.Nullable;

/**
 * What a feature does after a write of one resource type, inside the write's transaction: whatever the listener
 * writes lands together with the resource or not at all (a transactional outbox row, a state table). Like a
 * {@link WriteRule} it applies on every write path (REST, transaction Bundle, an operation, the server itself).
 */
public interface WriteListener {

    /** The resource type the listener is about. */
    String resourceType();

    /**
     * Called after {@code current} was written. {@code previous} is the version it replaced (null when the resource
     * is new or was deleted); {@code current.deleted()} tells a deletion, whose resource is null.
     */
    void written(@Nullable IBaseResource previous, StoredResource current);
}
