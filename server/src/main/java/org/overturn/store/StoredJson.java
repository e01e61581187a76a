package org.overturn.store;

import java.time.Instant;

/** A current resource version as the store holds it: JSON encoded by HAPI with its id and meta set. */
public record StoredJson(String type, String id, long version, Instant lastUpdated, String content) {
    /**
     * User data the store puts on every resource it writes or reads: the JSON it holds for that version, so that an
     * answer made of stored resources need not encode them again.
     */
    public static final String USER_DATA = "overturn.storedJson";
    /**
     * User data on a Bundle whose entries are all resources exactly as the store handed them over (unchanged since),
     * so that each may be written out as its {@link #USER_DATA}.
     */
    public static final String ENTRIES_AS_STORED = "overturn.entriesAsStored";
}
