package org.overturn.store;

/** What a write did: {@code CREATED} answers 201, {@code MATCHED} means a conditional create found the resource. */
public record WriteResult(StoredResource stored, Kind kind) {
    public enum Kind {
        CREATED,
        UPDATED,
        DELETED,
        MATCHED,
        ALREADY_DELETED
    }
}
