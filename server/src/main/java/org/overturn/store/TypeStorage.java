package org.overturn.store;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.jspecify.annotations.Nullable;

/**
 * Where the resources of one type are kept and how they are read: the generic tables ({@link ResourceTables}) for what
 * clients write, or a table of its own for a type the server appends and never changes ({@link AuditTrail}). The
 * store chooses one per type, once, so a second append-only type is one more implementation and one more entry in
 * that choice. Rows come in the columns type, id, version, last updated, content, deleted (and method, for history),
 * so one row mapper reads them all; absent, deleted and refused are decided by the store.
 */
interface TypeStorage {
    /** Throws when clients may not create, change or delete resources of {@code type}. */
    void refuseClientWrite(String type);

    /**
     * Throws when resources of {@code type} may not be reached through their references to another resource, by
     * {@code parameter} ({@code _revinclude} or {@code _has}): only the generic tables index those references.
     */
    void refuseReverseReach(String type, String parameter);

    /** The primary patient compartment of the stored resource; NOT_FOUND or GONE when there is none to read. */
    @Nullable String storedCompartment(String type, String id);

    /** The current version's JSON, if not deleted. */
    List<StoredJson> currentJson(String type, String id);

    /** One version's JSON, if it is not a deletion. */
    List<StoredJson> versionJson(String type, String id, long version);

    /** The current version, deleted or not. */
    <T> List<T> current(String type, String id, RowMapper<T> row);

    <T> List<T> version(String type, String id, long version, RowMapper<T> row);

    /** How many versions the history holds, or null when more than {@code cap}. */
    @Nullable Integer historyCount(@Nullable String type, @Nullable String id, @Nullable Instant since, int cap);

    /** Newest first, with the method as a seventh column. */
    <T> List<T> history(@Nullable String type, @Nullable String id, @Nullable Instant since, int limit, int offset, RowMapper<T> row);

    /** One page of a search's matches, {@code limit} rows at the most. */
    <T> List<T> page(SearchRequest request, int limit, RowMapper<T> row);

    /** How many resources the search matches, or null when more than {@code cap}. */
    @Nullable Integer count(SearchRequest request, int cap);
}
