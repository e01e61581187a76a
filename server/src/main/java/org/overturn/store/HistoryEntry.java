package org.overturn.store;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a history: the version and the HTTP method that wrote it.
 *
 * @param primaryPatient the patient the version's row is filed under (ADR 0001), for a deletion the one of the version
 *     it deleted; null when none or not read
 */
public record HistoryEntry(StoredResource stored, String method, @Nullable String primaryPatient) {
    public HistoryEntry(StoredResource stored, String method) {
        this(stored, method, null);
    }
}
