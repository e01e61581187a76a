package org.overturn.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.jspecify.annotations.Nullable;

/**
 * The FHIR resource store: versioned resources with their search indexes, written in one database transaction.
 * Failures the client can fix are {@link org.overturn.platform.OverturnException}s.
 */
public interface ResourceStore {

    /** Creates with a new id; with {@code ifNoneExist} (a search query), returns the one match instead, if any. */
    WriteResult create(IBaseResource resource, @Nullable String ifNoneExist);

    /**
     * Appends AuditEvents to the audit trail in one statement, in its own table (ADR 0007), which the API reads and
     * searches but never writes: each gets a new id and version 1, is searched by the columns its entry gives and is
     * served as the JSON its encoder writes (their tests hold both equal to the AuditEvent they stand for).
     */
    void appendAudit(List<AuditEntry> events);

    /**
     * One AuditEvent to append: what its searches use, as {@link #of} reads it off the model, and its JSON.
     *
     * @param patients every Patient it names by {@code entity.what} or {@code agent.who} (its R4 Patient compartment)
     * @param entities every reference in {@code entity.what}
     */
    record AuditEntry(Instant recorded, List<String> patients, List<String> entities, @Nullable String subtype,
            @Nullable String action, @Nullable String outcome, @Nullable String clientId, @Nullable String address,
            Encoder json) {
        public AuditEntry {
            patients = List.copyOf(patients);
            entities = List.copyOf(entities);
        }

        /**
         * The entry of an AuditEvent model, element by element: the definition an audit writer that builds the
         * columns straight from its own record is tested against.
         */
        public static AuditEntry of(org.hl7.fhir.r4.model.AuditEvent event, Encoder json) {
            java.util.Set<String> entities = new java.util.LinkedHashSet<>();
            java.util.Set<String> patients = new java.util.LinkedHashSet<>();
            for (var agent : event.getAgent()) {
                String reference = agent.getWho().getReference();
                if (reference != null && reference.startsWith("Patient/")) {
                    patients.add(reference.substring("Patient/".length()));
                }
            }
            for (var entity : event.getEntity()) {
                String reference = entity.getWhat().getReference();
                if (reference != null) {
                    entities.add(reference);
                    if (reference.startsWith("Patient/")) {
                        patients.add(reference.substring("Patient/".length()));
                    }
                }
            }
            var first = event.getAgentFirstRep();
            return new AuditEntry(event.getRecorded().toInstant(), List.copyOf(patients), List.copyOf(entities),
                    event.getSubtype().isEmpty() ? null : event.getSubtypeFirstRep().getCode(),
                    event.hasAction() ? event.getAction().toCode() : null,
                    event.hasOutcome() ? event.getOutcome().toCode() : null,
                    first.getAltId(), first.getNetwork().getAddress(), json);
        }
    }

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

    /**
     * The conditional writes with every condition matched within one patient's compartment only, for a caller whose
     * token reaches that compartment alone: another patient's resources never match its conditions, so they are
     * neither returned, changed or deleted, nor revealed by a "several matches" refusal (ADR 0007).
     */
    ConditionalWrites withinCompartment(String patient);

    /**
     * Whether a write with a patient scope may change {@code type/id}, for Patient/{@code patient}: true when it is
     * stored and in that patient's compartment alone, false when the id was never used (the write creates it).
     * Another patient's resource, or a deleted one, is unknown (404, the answer a read gives); one also in another
     * patient's compartment is refused (403: the caller, a member, may know why). The one check for writes by id at
     * the FHIR edge and for the matches of conditional writes narrowed by {@link #withinCompartment}.
     */
    boolean requireInCompartmentAlone(String type, String id, String patient);

    /** {@link #create}, {@link #conditionalUpdate}, {@link #conditionalDelete} and {@link #matchOne}, narrowed. */
    interface ConditionalWrites {
        WriteResult create(IBaseResource resource, String ifNoneExist);

        WriteResult update(String type, String query, IBaseResource resource);

        int delete(String type, String query);

        @Nullable String matchOne(String type, String condition);
    }

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

    /** One version as stored JSON, unparsed, or null when it is unknown or a deletion (as {@link #readJson}). */
    @Nullable StoredJson vreadJson(String type, String id, long version);

    /** History, newest first: of one resource, one type (id null) or everything (both null). */
    Page<HistoryEntry> history(
            @Nullable String type, @Nullable String id, @Nullable Instant since, int count, int offset);

    /**
     * The history of one type as a patient-scoped caller may see it (ADR 0007): the versions that were themselves in
     * Patient/{@code patient}'s compartment, found with the same narrowing as a search's, and deletions of resources
     * filed under the patient; no total, and a page may hold fewer than {@code count} entries.
     */
    default Page<HistoryEntry> historyWithinCompartment(
            String type, String patient, @Nullable Instant since, int count, int offset) {
        return historyWithinCompartment(List.of(type), patient, since, count, offset);
    }

    /**
     * The history of several types, newest first across them, by the same rule: a patient-scoped caller's system
     * history is this over the types its scopes read.
     */
    Page<HistoryEntry> historyWithinCompartment(
            List<String> types, String patient, @Nullable Instant since, int count, int offset);

    /**
     * The history of one resource as a patient-scoped caller may see it, by the same rule as
     * {@link #historyWithinCompartment(String, String, Instant, int, int)}: the versions that were themselves in
     * Patient/{@code patient}'s compartment and the deletions of versions filed under the patient, with their total.
     * 404 when no version ever was, whether the resource is unknown, deleted or another patient's.
     */
    Page<HistoryEntry> historyWithinCompartment(
            String type, String id, String patient, @Nullable Instant since, int count, int offset);

    default Page<StoredResource> search(SearchRequest request) {
        return search(request, included -> true);
    }

    /**
     * The search, with only the included resources {@code includable} accepts: an iterated include or revinclude goes
     * on from those alone, so that what a caller may not see never leads it to what it may (a Practitioner named only
     * by another patient's Observation).
     */
    Page<StoredResource> search(SearchRequest request, Predicate<StoredResource> includable);

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
