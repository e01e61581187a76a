package org.overturn.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.springframework.lang.Nullable;

/**
 * The FHIR resource store: versioned resources with their search indexes, written in one database transaction.
 * Failures the client can fix are {@link org.overturn.platform.OverturnException}s.
 */
public interface ResourceStore {

    /** Creates with a new id; with {@code ifNoneExist} (a search query), returns the one match instead, if any. */
    WriteResult create(IBaseResource resource, @Nullable String ifNoneExist);

    /**
     * Appends AuditEvents to the audit trail in one statement: each gets a new id and version 1 and is stored as the
     * JSON its writer encodes, a fast encoding of the same resource (its tests hold the two equal), in the audit
     * trail's own table (ADR 0007), which the API reads and searches but never writes. Other types are refused.
     */
    void appendAll(List<Appended> resources);

    /** A resource to append, and how its writer encodes it once the store has given it an id and a time. */
    record Appended(IBaseResource resource, Encoder json) {}

    /** The resource's JSON with {@code id}, {@code meta.versionId} 1 and {@code meta.lastUpdated} as given. */
    @FunctionalInterface
    interface Encoder {
        String encode(String id, Instant lastUpdated);
    }

    /** Updates or creates {@code type/id}; {@code ifMatch} is the version the client last saw, if it sent one. */
    WriteResult update(String type, String id, IBaseResource resource, @Nullable Long ifMatch);

    /** Updates the one match of {@code query}, or creates the resource when nothing matches. */
    WriteResult conditionalUpdate(String type, String query, IBaseResource resource);

    WriteResult delete(String type, String id, @Nullable Long ifMatch);

    /**
     * The id of the one resource matching a condition (If-None-Exist, conditional update, conditional reference), or
     * null when none does. Within the current transaction, concurrent callers with the same criteria (however encoded
     * or ordered) wait for each other. A condition with no search criterion is a 400, several matches a 412.
     */
    @Nullable String matchOne(String type, String condition);

    /** Deletes every match of {@code query} (which needs at least one search criterion); returns how many were deleted. */
    int conditionalDelete(String type, String query);

    /** The current version; NOT_FOUND if never stored, GONE if deleted. */
    StoredResource read(String type, String id);

    /**
     * The current version of the local resource {@code reference} names ({@code Type/id}), or empty when it is not
     * one (absent, absolute, a type not served), was never stored, or is deleted: for callers to whom a missing
     * resource is an ordinary case, not an error.
     */
    default Optional<StoredResource> find(@Nullable String reference) {
        String[] parts = reference == null ? new String[0] : reference.split("/");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty() || !supports(parts[0])) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(parts[0], parts[1]));
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.GONE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    StoredResource vread(String type, String id, long version);

    /**
     * The current version as stored JSON, unparsed, or null when the resource is unknown or deleted (the caller then
     * takes the ordinary path, which says which).
     */
    @Nullable StoredJson readJson(String type, String id);

    /** History, newest first: of one resource, one type (id null) or everything (both null). */
    Page<HistoryEntry> history(
            @Nullable String type, @Nullable String id, @Nullable Instant since, int count, int offset);

    Page<StoredResource> search(SearchRequest request);

    /** The matches as stored JSON, unparsed, for a search without _include or _revinclude. */
    Page<StoredJson> searchJson(SearchRequest request);

    /** Parses a search query ({@code name=value&...}) for {@code type}. */
    SearchRequest parseQuery(String type, String query);

    SearchRequest parse(String type, Map<String, List<String>> params, boolean lenient);

    /** Runs {@code work} in one database transaction: every write in it lands, or none does. */
    <T> T inTransaction(Supplier<T> work);

    /**
     * The patient whose compartment {@code resource} is stored in (the {@code patient_id} its rows carry), or null
     * when it is in none.
     */
    @Nullable String patientCompartment(IBaseResource resource);

    /**
     * The patient whose compartment the current version of {@code type/id} is stored in, read from its row (nothing
     * parsed or indexed again), or null when in none; NOT_FOUND if never stored, GONE if deleted, as {@link #read}.
     */
    @Nullable String storedCompartment(String type, String id);

    /**
     * Every patient whose compartment holds {@code resource} (R4 Patient CompartmentDefinition, local references
     * only), the primary {@link #patientCompartment} included; empty when it is in none.
     */
    java.util.Set<String> patientCompartments(IBaseResource resource);

    /**
     * Every patient whose compartment holds the current version of {@code type/id}; NOT_FOUND if never stored,
     * GONE if deleted, as {@link #read}.
     */
    java.util.Set<String> storedCompartments(String type, String id);

    /** Whether {@code type} is a resource type this store indexes. */
    boolean supports(String type);
}
