package org.overturn.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of results. {@code total} is null when it was not asked for and could not be known for free;
 * {@code includes} holds resources added by _include/_revinclude.
 */
public record Page<T>(List<T> items, List<StoredResource> includes, @Nullable Integer total, boolean hasMore) {
    public Page {
        items = List.copyOf(items);
        includes = List.copyOf(includes);
    }
}
