package org.overturn.store;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jspecify.annotations.Nullable;

/**
 * A rule a feature puts on writes of one resource type. The store checks it inside the write's transaction, with the
 * resource's row locked, so two writers cannot both pass a rule against the same previous version. Whatever path the
 * write takes (REST, transaction Bundle, an operation) the rule applies.
 */
public interface WriteRule {

    /** The resource type the rule is about. */
    String resourceType();

    /**
     * Refuses a write by throwing an OverturnException. {@code previous} is the current version (null when the
     * resource is new or deleted); {@code next} is what is about to be written.
     */
    void check(@Nullable IBaseResource previous, IBaseResource next);

    /** Refuses the deletion of {@code current} by throwing an OverturnException; allowed unless a rule says otherwise. */
    default void checkDelete(IBaseResource current) {}

    /**
     * Refuses bringing a deleted resource back by throwing an OverturnException. {@code last} is its version before the
     * deletion, so that a rule can keep a deleted resource from returning in a state it could not have reached; by
     * default a resource brought back is checked as a new one.
     */
    default void checkRevival(IBaseResource last, IBaseResource next) {
        check(null, next);
    }
}
