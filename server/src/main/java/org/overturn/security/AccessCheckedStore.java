package org.overturn.security;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.security.SmartAccess.Reach;
import org.overturn.store.HistoryEntry;
import org.overturn.store.Page;
import org.overturn.store.ResourceStore;
import org.overturn.store.SearchRequest;
import org.overturn.store.StoredJson;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.jspecify.annotations.Nullable;

/**
 * The store as the caller may see it: every read, search and history goes through the caller's access
 * ({@link AccessContext}), whatever asked for it (the FHIR edge, an operation following a reference, the stored-JSON
 * fast path, CDS Hooks). A type the scopes do not allow is refused (403) before anything is read; a resource outside
 * the caller's patient compartment, or not matching its search restriction, is answered exactly as an unknown one
 * (404 on a read, left out of a search); a deleted one outside reach is unknown too, not gone. The server's own work
 * ({@code platform.SystemWork}) and development mode reach everything.
 *
 * <p>A resource of a client-owned type ({@link SmartAccess#CLIENT_OWNED}: Subscription) belongs to the client that
 * wrote it, named in an owner tag the store sets on each write with a token: another client's is unknown to it on
 * every path, whatever its scopes, and conditional writes of such types are refused (a match would reveal it).
 *
 * <p>Writes are checked here too, whatever made them: the scopes must allow the type and interaction, and a
 * patient-scoped caller writes nothing that names another patient (the FHIR edge checks REST writes before they get
 * here, fhir.AccessInterceptor, and allows an operation only when the token allows what it declares it writes). The
 * compartment computations and transactions pass through.
 */
final class AccessCheckedStore implements ResourceStore {
    /** The tag naming the client ({@link SmartAccess#client()}) that owns a client-owned resource. */
    static final String OWNER_TAG = "http://overturn.example.org/fhir/CodeSystem/client-owner";

    private final ResourceStore store;
    private final AccessContext access;

    AccessCheckedStore(ResourceStore store, AccessContext access) {
        this.store = store;
        this.access = access;
    }

    // ---- reads: checked ----

    @Override
    public StoredResource read(String type, String id) {
        SmartAccess caller = access.current();
        Reach reach = require(caller, type, Interaction.READ);
        StoredResource stored = unknownIfGone(caller, reach, type, id, () -> store.read(type, id));
        return visible(caller, reach, type, id, stored);
    }

    @Override
    public StoredResource vread(String type, String id, long version) {
        SmartAccess caller = access.current();
        Reach reach = require(caller, type, Interaction.READ);
        StoredResource stored = unknownIfGone(caller, reach, type, id, () -> store.vread(type, id, version));
        return visible(caller, reach, type, id, stored);
    }

    @Override
    public @Nullable StoredJson readJson(String type, String id) {
        SmartAccess caller = access.current();
        Reach reach = require(caller, type, Interaction.READ);
        if (!caller.reachesAll(type, Interaction.READ) && (type.equals("Binary") || clientOwned(caller, type))) {
            return null; // decided by its securityContext or its owner, on the ordinary path
        }
        if (!caller.reachesAll(type, Interaction.READ)) {
            java.util.Set<String> members;
            try {
                members = store.storedCompartments(type, id);
            } catch (OverturnException e) {
                if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.GONE) {
                    return null; // the caller takes the ordinary path, which answers for itself
                }
                throw e;
            }
            if ((reach == Reach.PATIENT && !members.contains(caller.patient()))
                    || !matchesRestriction(caller, type, id)) {
                throw notKnown(type, id);
            }
        }
        return store.readJson(type, id);
    }

    @Override
    public @Nullable StoredJson vreadJson(String type, String id, long version) {
        SmartAccess caller = access.current();
        require(caller, type, Interaction.READ);
        // Only callers who reach the whole type are answered from stored JSON; the others take vread, which checks.
        return caller.reachesAll(type, Interaction.READ) ? store.vreadJson(type, id, version) : null;
    }

    @Override
    public Page<HistoryEntry> history(
            @Nullable String type, @Nullable String id, @Nullable Instant since, int count, int offset) {
        SmartAccess caller = access.current();
        if (type != null && id != null) {
            Reach reach = require(caller, type, Interaction.READ);
            if (!caller.reachesAll(type, Interaction.READ)) {
                if (reach == Reach.PATIENT && !type.equals("Binary")) {
                    // Each version by its own compartments, as vread and type history (ADR 0007); restrictions and
                    // ownership are the current version's, as for a read.
                    if (!matchesRestriction(caller, type, id) || (clientOwned(caller, type) && !caller.owns(owner(
                            unknownIfGone(caller, reach, type, id, () -> store.read(type, id)).content())))) {
                        throw notKnown(type, id);
                    }
                    return store.historyWithinCompartment(type, id, java.util.Objects.requireNonNull(caller.patient()),
                            since, count, offset);
                }
                // A Binary is in no compartment: its current securityContext decides, as for a read.
                boolean member = reach != Reach.PATIENT
                        || inCompartment(caller, unknownIfGone(caller, reach, type, id, () -> store.read(type, id)).resource());
                if ((reach == Reach.PATIENT && !member)
                        || !matchesRestriction(caller, type, id)
                        || (clientOwned(caller, type) && !caller.owns(owner(
                                unknownIfGone(caller, reach, type, id, () -> store.read(type, id)).content())))) {
                    throw notKnown(type, id);
                }
            }
        } else if (type != null && !caller.reachesAll(type, Interaction.READ)) {
            Reach reach = require(caller, type, Interaction.READ);
            if (reach != Reach.PATIENT || !caller.restrictions(type, Interaction.READ).isEmpty()
                    || clientOwned(caller, type)) {
                throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE, "Type history is not"
                        + " available to search-restricted tokens or for " + type + "; search " + type + " instead");
            }
            // Binary is in no compartment (its securityContext decides): its versions are left out with the rest.
            return store.historyWithinCompartment(type, java.util.Objects.requireNonNull(caller.patient()), since,
                    count, offset);
        } else if (type == null && !caller.reachesAll("*", Interaction.READ)) {
            return systemHistoryWithinCompartment(caller, since, count, offset);
        }
        Page<HistoryEntry> page = store.history(type, id, since, count, offset);
        if (type != null || caller.unrestricted()) {
            return page;
        }
        // System history: another client's resources (and their deletions) are left out.
        List<HistoryEntry> mine = page.items().stream()
                .filter(e -> !clientOwned(caller, e.stored().type())
                        || (e.stored().resource() != null && caller.owns(owner(e.stored().resource()))))
                .toList();
        return mine.size() == page.items().size() ? page : new Page<>(mine, page.includes(), null, page.hasMore());
    }

    /**
     * System history for a caller who does not reach everything: the versions in its patient's compartment of the
     * types its scopes read there, by the type history's rule (ADR 0007). Resources in no compartment (an
     * Organization), Binary (its securityContext decides), client-owned types and search-restricted types are left
     * out: their own type history or search answers for them.
     */
    private Page<HistoryEntry> systemHistoryWithinCompartment(
            SmartAccess caller, @Nullable Instant since, int count, int offset) {
        String patient = caller.patient();
        List<String> types = patient == null ? List.of() : org.overturn.store.ResourceTypes.SUPPORTED.stream()
                .filter(t -> caller.reach(t, Interaction.READ) != Reach.NONE
                        && caller.restrictions(t, Interaction.READ).isEmpty()
                        && !t.equals("Binary") && !t.equals("AuditEvent") && !clientOwned(caller, t))
                .toList();
        if (patient == null || types.isEmpty()) {
            throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE, "System history is available to"
                    + " tokens that reach every resource, or a patient's compartment without search restrictions; ask"
                    + " for the history of each type instead (GET [type]/_history)");
        }
        return store.historyWithinCompartment(types, patient, since, count, offset);
    }

    /** Another patient's compartment only for callers who reach every resource of each type. */
    @Override
    public Page<HistoryEntry> historyWithinCompartment(
            List<String> types, String patient, @Nullable Instant since, int count, int offset) {
        SmartAccess caller = access.current();
        for (String type : types) {
            require(caller, type, Interaction.READ);
            if (!caller.reachesAll(type, Interaction.READ) && !patient.equals(caller.patient())) {
                throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE,
                        "The token reaches only its own patient's compartment");
            }
        }
        return store.historyWithinCompartment(types, patient, since, count, offset);
    }

    /** Another patient's compartment only for callers who reach every resource of the type. */
    @Override
    public Page<HistoryEntry> historyWithinCompartment(
            String type, String id, String patient, @Nullable Instant since, int count, int offset) {
        SmartAccess caller = access.current();
        require(caller, type, Interaction.READ);
        if (!caller.reachesAll(type, Interaction.READ) && !patient.equals(caller.patient())) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE,
                    "The token reaches only its own patient's compartment");
        }
        return store.historyWithinCompartment(type, id, patient, since, count, offset);
    }

    /**
     * {@code _has} chooses matches by reading resources of another type, which no compartment or search restriction
     * narrows: only for callers who search every resource of that type.
     */
    private static void requireReverseChainsInReach(SmartAccess caller, SearchRequest request) {
        for (SearchRequest.Criterion c : request.criteria()) {
            for (String source : c.reverseChainTypes()) {
                if (!caller.reachesAll(source, Interaction.SEARCH)) {
                    throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "_has:" + source + " reads " + source
                            + " resources to choose the matches; it needs a token that searches every " + source);
                }
            }
        }
    }

    @Override
    public Page<StoredResource> search(SearchRequest request, Predicate<StoredResource> includable) {
        SmartAccess caller = access.current();
        String type = request.resourceType();
        Reach reach = require(caller, type, Interaction.SEARCH);
        requireReverseChainsInReach(caller, request);
        if (caller.unrestricted()) {
            return store.search(request, includable);
        }
        // A compartment search (Patient/[id]/[type]) of another patient than the token's, which a patient scope would
        // otherwise narrow to its own patient and answer as if asked.
        if (reach == Reach.PATIENT && request.compartment() != null && !request.compartment().equals(caller.patient())) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE,
                    "The token reaches only its own patient's compartment");
        }
        // A patient scope searches its patient's compartment, every member of it, in the query itself: pages and
        // counts hold only what it may see. Included resources are checked as reads as the store finds them, so an
        // iterated include goes on only from what the caller may see. What is left out below is the rest of the
        // matches' checks (search restrictions, owners).
        Page<StoredResource> page = store.search(reach == Reach.PATIENT
                        ? request.withinCompartment(java.util.Objects.requireNonNull(caller.patient()))
                        : request,
                included -> inReach(caller, included, Interaction.READ, false) && includable.test(included));
        // The query already held the matches to the compartment: computing each one's compartments again (indexing it
        // anew) would double the work of every patient-scoped search.
        boolean narrowed = reach == Reach.PATIENT;
        List<StoredResource> items = page.items().stream()
                .filter(s -> inReach(caller, s, Interaction.SEARCH, narrowed))
                .toList();
        if (items.size() == page.items().size()) {
            return page;
        }
        // What was left out must not show in the count either.
        return new Page<>(items, page.includes(), null, page.hasMore());
    }

    @Override
    public Page<StoredJson> searchJson(SearchRequest request) {
        SmartAccess caller = access.current();
        require(caller, request.resourceType(), Interaction.SEARCH);
        requireReverseChainsInReach(caller, request);
        if (!caller.reachesAll(request.resourceType(), Interaction.SEARCH)) {
            throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE,
                    "Stored-JSON searches are only for callers who reach every " + request.resourceType());
        }
        Page<StoredJson> page = store.searchJson(request);
        List<StoredResource> includes = page.includes().stream()
                .filter(s -> inReach(caller, s, Interaction.READ, false))
                .toList();
        return includes.size() == page.includes().size()
                ? page
                : new Page<>(page.items(), includes, null, page.hasMore());
    }

    // ---- writes: checked against the scopes and the compartment, client-owned types stamped and checked ----

    @Override
    public WriteResult create(IBaseResource resource, @Nullable String ifNoneExist) {
        SmartAccess caller = access.current();
        writable(caller, resource.fhirType(), null, resource, Interaction.CREATE);
        if (clientOwned(caller, resource.fhirType())) {
            if (ifNoneExist != null && !ifNoneExist.isBlank()) {
                throw conditionalRefused(resource.fhirType());
            }
            stamp(resource, caller);
        }
        String patient = compartmentOnly(caller, resource.fhirType(), Interaction.CREATE);
        return patient != null && ifNoneExist != null && !ifNoneExist.isBlank()
                ? store.withinCompartment(patient).create(resource, ifNoneExist)
                : store.create(resource, ifNoneExist);
    }

    /** The server's own volume writes (the audit trail): nothing of a caller's is read, so nothing to check. */
    @Override
    public void appendAudit(List<AuditEntry> events) {
        store.appendAudit(events);
    }

    @Override
    public WriteResult update(String type, String id, IBaseResource resource, @Nullable Long ifMatch) {
        SmartAccess caller = access.current();
        writable(caller, type, id, resource, Interaction.UPDATE);
        if (clientOwned(caller, type)) {
            requireOwnedOrNew(caller, type, id);
            stamp(resource, caller);
        }
        return store.update(type, id, resource, ifMatch);
    }

    @Override
    public WriteResult conditionalUpdate(String type, String query, IBaseResource resource) {
        SmartAccess caller = access.current();
        writable(caller, type, null, resource, Interaction.UPDATE); // its match is checked by the narrowed store
        if (clientOwned(caller, type)) {
            throw conditionalRefused(type);
        }
        String patient = compartmentOnly(caller, type, Interaction.UPDATE);
        return patient != null
                ? store.withinCompartment(patient).update(type, query, resource)
                : store.conditionalUpdate(type, query, resource);
    }

    @Override
    public WriteResult delete(String type, String id, @Nullable Long ifMatch) {
        SmartAccess caller = access.current();
        writable(caller, type, id, null, Interaction.DELETE);
        if (clientOwned(caller, type)) {
            requireOwnedOrNew(caller, type, id);
        }
        return store.delete(type, id, ifMatch);
    }

    @Override
    public @Nullable String matchOne(String type, String condition) {
        SmartAccess caller = access.current();
        if (clientOwned(caller, type)) {
            throw conditionalRefused(type);
        }
        String patient = compartmentOnly(caller, type, Interaction.SEARCH);
        return patient != null ? store.withinCompartment(patient).matchOne(type, condition) : store.matchOne(type, condition);
    }

    @Override
    public int conditionalDelete(String type, String query) {
        SmartAccess caller = access.current();
        if (clientOwned(caller, type)) {
            throw conditionalRefused(type);
        }
        String patient = compartmentOnly(caller, type, Interaction.DELETE);
        return patient != null ? store.withinCompartment(patient).delete(type, query) : store.conditionalDelete(type, query);
    }

    /**
     * Already narrowed by the caller, but client-owned types are refused to tokens here too, as on the other
     * conditional paths: a match across owners would reveal another client's resource.
     */
    @Override
    public ConditionalWrites withinCompartment(String patient) {
        ConditionalWrites narrowed = store.withinCompartment(patient);
        return new ConditionalWrites() {
            @Override
            public WriteResult create(IBaseResource resource, String ifNoneExist) {
                refuseClientOwned(resource.fhirType());
                return narrowed.create(resource, ifNoneExist);
            }

            @Override
            public WriteResult update(String type, String query, IBaseResource resource) {
                refuseClientOwned(type);
                return narrowed.update(type, query, resource);
            }

            @Override
            public int delete(String type, String query) {
                refuseClientOwned(type);
                return narrowed.delete(type, query);
            }

            @Override
            public @Nullable String matchOne(String type, String condition) {
                refuseClientOwned(type);
                return narrowed.matchOne(type, condition);
            }
        };
    }

    private void refuseClientOwned(String type) {
        if (clientOwned(access.current(), type)) {
            throw conditionalRefused(type);
        }
    }

    @Override
    public boolean requireInCompartmentAlone(String type, String id, String patient) {
        return store.requireInCompartmentAlone(type, id, patient);
    }

    @Override
    public SearchRequest parseQuery(String type, String query) {
        return store.parseQuery(type, query);
    }

    @Override
    public SearchRequest parse(String type, Map<String, List<String>> params, boolean lenient) {
        return store.parse(type, params, lenient);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return store.inTransaction(work);
    }

    @Override
    public @Nullable String patientCompartment(IBaseResource resource) {
        return store.patientCompartment(resource);
    }

    @Override
    public java.util.Set<String> patientCompartments(IBaseResource resource) {
        return store.patientCompartments(resource);
    }

    @Override
    public java.util.Set<String> storedCompartments(String type, String id) {
        return store.storedCompartments(type, id);
    }

    @Override
    public @Nullable String storedCompartment(String type, String id) {
        return store.storedCompartment(type, id);
    }

    @Override
    public boolean supports(String type) {
        return store.supports(type);
    }

    // ---- the checks ----

    /**
     * Every write on a token's behalf, whatever made it (a REST interaction, checked at the edge too, or an
     * operation's own writes, which the edge knows only by declaration): the scopes must allow it, and a
     * patient-scoped caller puts nothing into, and changes nothing of, another patient's compartment. The written
     * content, and for an update or delete the stored version, may name no other patient; a resource in no compartment
     * (the Provenance of a letter) may be written when the scopes allow its type.
     */
    private void writable(SmartAccess caller, String type, @Nullable String id, @Nullable IBaseResource content,
            Interaction interaction) {
        if (caller.unrestricted()) {
            return;
        }
        Reach reach = require(caller, type, interaction);
        String patient = caller.patient();
        if (reach != Reach.PATIENT || patient == null) {
            return;
        }
        if (content != null && !onlyOf(store.patientCompartments(content), patient)) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE,
                    "The token's patient scope allows writing only resources of its own patient's compartment");
        }
        if (id != null) {
            java.util.Set<String> stored;
            try {
                stored = store.storedCompartments(type, id);
            } catch (OverturnException e) {
                if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.GONE) {
                    return; // nothing stored (or nothing current) to take out of a compartment
                }
                throw e;
            }
            if (!onlyOf(stored, patient)) {
                throw notKnown(type, id);
            }
        }
    }

    /** Whether {@code members} names no patient but {@code patient} (none at all is allowed). */
    private static boolean onlyOf(java.util.Set<String> members, String patient) {
        return members.isEmpty() || members.equals(java.util.Set.of(patient));
    }

    /**
     * The token's patient when the caller reaches {@code type} only in that patient's compartment: its conditions are
     * then matched there alone. Null for everyone else (the edge refuses a caller with no reach at all).
     */
    private static @Nullable String compartmentOnly(SmartAccess caller, String type, Interaction interaction) {
        return caller.reach(type, interaction) == Reach.PATIENT ? caller.patient() : null;
    }

    private static Reach require(SmartAccess caller, String type, Interaction interaction) {
        Reach reach = caller.reach(type, interaction);
        if (reach == Reach.NONE) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "The token's scopes do not allow "
                    + interaction.name().toLowerCase(Locale.ROOT) + " of " + type);
        }
        return reach;
    }

    /** A deleted resource is gone only to a caller who could see it; to anyone else it is unknown. */
    private <T> T unknownIfGone(SmartAccess caller, Reach reach, String type, String id, Supplier<T> read) {
        try {
            return read.get();
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.GONE && !caller.reachesAll(type, Interaction.READ)) {
                throw notKnown(type, id);
            }
            throw e;
        }
    }

    private StoredResource visible(SmartAccess caller, Reach reach, String type, String id, StoredResource stored) {
        if (caller.reachesAll(type, Interaction.READ) || stored.resource() == null) {
            return stored;
        }
        if ((reach == Reach.PATIENT && !inCompartment(caller, stored.resource()))
                || !matchesRestriction(caller, type, id)
                || (clientOwned(caller, type) && !caller.owns(owner(stored.resource())))) {
            throw notKnown(type, id);
        }
        return stored;
    }

    /**
     * Whether a patient-scoped caller's patient is a member of the resource's compartment. A Binary is in no
     * compartment; it is inside when its {@code securityContext} is a relative reference to a resource (not another
     * Binary) that the caller may read, checked as a read of that resource.
     */
    private boolean inCompartment(SmartAccess caller, @Nullable IBaseResource resource) {
        if (resource == null) {
            return false;
        }
        if (resource instanceof org.hl7.fhir.r4.model.Binary binary) {
            var context = binary.getSecurityContext().getReferenceElement();
            if (!binary.getSecurityContext().hasReference() || context.isAbsolute() || !context.hasResourceType()
                    || !context.hasIdPart() || context.getResourceType().equals("Binary")
                    || !store.supports(context.getResourceType())) {
                return false; // only user or system scopes read a Binary that names no local context
            }
            try {
                read(context.getResourceType(), context.getIdPart());
                return true;
            } catch (OverturnException e) {
                if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.GONE
                        || e.code() == ErrorCode.INSUFFICIENT_SCOPE) {
                    return false;
                }
                throw e;
            }
        }
        return store.patientCompartments(resource).contains(caller.patient());
    }

    /** @param compartmentChecked whether the store's query already held the resource to the caller's compartment */
    private boolean inReach(
            SmartAccess caller, StoredResource stored, Interaction interaction, boolean compartmentChecked) {
        if (stored.resource() == null) {
            return false;
        }
        Reach reach = caller.reach(stored.type(), interaction);
        if (reach == Reach.NONE) {
            return false;
        }
        if (reach == Reach.PATIENT && !compartmentChecked && !inCompartment(caller, stored.resource())) {
            return false;
        }
        if (clientOwned(caller, stored.type()) && !caller.owns(owner(stored.resource()))) {
            return false;
        }
        return matchesRestriction(caller, stored.type(), stored.id());
    }

    /** Under search-restricted scopes (SMART v2), the current version must match one of the restrictions. */
    private boolean matchesRestriction(SmartAccess caller, String type, String id) {
        List<String> restrictions = caller.restrictions(type, Interaction.READ);
        if (restrictions.isEmpty()) {
            return true;
        }
        for (String restriction : restrictions) {
            if (!store.search(store.parseQuery(type, restriction + "&_id=" + id + "&_count=1")).items().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the type's resources each belong to one client, and the caller is a token's (not the server's own). */
    private static boolean clientOwned(SmartAccess caller, String type) {
        return !caller.unrestricted() && SmartAccess.CLIENT_OWNED.contains(type);
    }

    /** The client named in the resource's owner tag; null for one the server or development mode wrote. */
    static @Nullable String owner(IBaseResource resource) {
        for (IBaseCoding tag : resource.getMeta().getTag()) {
            if (OWNER_TAG.equals(tag.getSystem())) {
                return tag.getCode();
            }
        }
        return null;
    }

    /** Sets the owner tag to the caller's client, whatever the client sent: ownership is never claimed by the body. */
    private static void stamp(IBaseResource resource, SmartAccess caller) {
        resource.getMeta().getTag().removeIf(tag -> OWNER_TAG.equals(tag.getSystem()));
        resource.getMeta().addTag().setSystem(OWNER_TAG).setCode(caller.client());
    }

    /** An update or delete by a token: the stored resource must be the caller's; an id never used is a create. */
    private void requireOwnedOrNew(SmartAccess caller, String type, String id) {
        StoredResource stored;
        try {
            stored = store.read(type, id);
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return;
            }
            if (e.code() == ErrorCode.GONE) {
                throw notKnown(type, id); // whose it was is not known here
            }
            throw e;
        }
        if (stored.resource() == null || !caller.owns(owner(stored.resource()))) {
            throw notKnown(type, id);
        }
    }

    private static OverturnException conditionalRefused(String type) {
        return new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE, "Conditional writes of " + type
                + " are not available to tokens: each client sees only its own, so write it by id");
    }

    private static OverturnException notKnown(String type, String id) {
        return new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " is not known");
    }
}
