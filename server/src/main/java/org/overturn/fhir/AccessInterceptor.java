package org.overturn.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.security.AccessContext;
import org.overturn.security.Interaction;
import org.overturn.security.SmartAccess;
import org.overturn.security.SmartAccess.Reach;
import org.overturn.store.QueryString;
import org.overturn.store.ResourceStore;
import org.overturn.store.SearchRequest;
import org.jspecify.annotations.Nullable;

/**
 * Checks each FHIR interaction against the caller's SMART scopes: by resource type and interaction (read, vread,
 * search and history need {@code r}/{@code s}, create {@code c}, update {@code u}, delete {@code d}), each entry of a
 * transaction or batch, and operations by what each declares it reads and writes ({@link OperationScopes}; the
 * store checks each resource they read). A patient scope reaches only the compartment of the token's patient: searches
 * are narrowed to it, reads of other patients' resources answer 404 as unknown ones do, writes may not move anything
 * in or out of it, included resources it may not read are left out, the conditions of conditional writes are matched
 * within it (by the store), reads and searches inside a batch or transaction are checked as at the top level,
 * iterated includes go on only from what the caller may read (by the store), type and system history are narrowed
 * by the store, and {@code _has} is refused. Registered first, so it sees every response before other
 * interceptors.
 */
@Interceptor
final class AccessInterceptor {
    private static final int FIRST = -1000;

    private final AccessContext access;
    private final ResourceStore store;

    AccessInterceptor(AccessContext access, ResourceStore store) {
        this.access = access;
        this.store = store;
    }

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = FIRST)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        SmartAccess caller = access.current();
        if (caller.unrestricted()) {
            return;
        }
        String type = request.getResourceName();
        String id = request.getId() != null && request.getId().hasIdPart() ? request.getId().getIdPart() : null;
        switch (operation) {
            case METADATA -> {}
            case VALIDATE -> {} // checks the posted resource against its definitions: nothing stored is read or written
            // The compartment and any search restriction are checked once, by the store (security.AccessCheckedStore):
            // a read or vread against the version it reads, an instance history against the current version.
            case READ, VREAD, HISTORY_INSTANCE -> require(caller, type, Interaction.READ);
            // Type history with a patient scope is narrowed to the compartment by the store, version by version.
            case HISTORY_TYPE -> typeHistory(caller, type);
            // For a patient scope the store narrows it to the compartment, over the types the scopes read there.
            case HISTORY_SYSTEM -> {}
            case SEARCH_TYPE -> {
                narrow(request, require(caller, type, Interaction.SEARCH));
                restrict(request, caller, type);
            }
            case CREATE -> create(caller, type, request.getResource());
            case UPDATE -> update(caller, type, id, request.getResource());
            case DELETE -> delete(caller, type, id);
            case TRANSACTION, BATCH -> {
                if (request.getResource() instanceof Bundle bundle) {
                    bundle(caller, bundle);
                } // else SystemProvider calls bundle(...) with the parsed Bundle
            }
            case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE ->
                    operation(caller, type, id, request.getOperation());
            default -> {
                if (!caller.everything()) {
                    throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE,
                            "The token's scopes do not allow " + operation.getCode());
                }
            }
        }
    }

    /** Each entry of a transaction or batch, as if it came alone. */
    void bundle(SmartAccess caller, Bundle bundle) {
        if (caller.unrestricted()) {
            return;
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            var req = entry.getRequest();
            String url = req.getUrl() == null ? "" : req.getUrl();
            String path = url.split("\\?", 2)[0];
            String[] parts = path.replaceFirst("^/", "").split("/");
            String type = parts[0];
            String id = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
            boolean conditional = url.contains("?");
            HTTPVerb method = req.getMethod();
            if (method == HTTPVerb.GET || method == HTTPVerb.HEAD) {
                Interaction i = id == null ? Interaction.SEARCH : Interaction.READ;
                boolean typed = !type.isEmpty() && !type.startsWith("_") && !type.startsWith("$");
                boolean plain = typed && parts.length <= 2 && (id == null || !(id.startsWith("_") || id.startsWith("$")));
                if (history(parts, typed)) {
                    // narrowed by the store as at the top level: type and system history to the compartment, an
                    // instance history and a vread version by version
                    if (typed && parts.length == 2) {
                        typeHistory(caller, type);
                    } else if (typed) {
                        require(caller, type, Interaction.READ);
                    }
                } else if (!plain || !caller.restrictions(type, i).isEmpty()) {
                    // system-wide searches and operations, and search restrictions, are not narrowed yet
                    requireAll(caller, plain ? type : "*", i, "read of this kind inside a Bundle");
                } else if (require(caller, type, i) == Reach.PATIENT && id == null) {
                    // the store narrows the search and its includes, as at the top level; _has is refused as there
                    refuseHas(QueryString.parse(url.contains("?") ? url.split("\\?", 2)[1] : "").keySet(),
                            "patient-scoped");
                }
            } else if (method == HTTPVerb.POST) {
                if (type.startsWith("$") || (parts.length > 1 && parts[parts.length - 1].startsWith("$"))) {
                    requireEverything(caller);
                } else {
                    create(caller, type, entry.getResource());
                }
            } else if (method == HTTPVerb.PUT) {
                update(caller, type, conditional ? null : id, entry.getResource());
            } else if (method == HTTPVerb.DELETE) {
                delete(caller, type, conditional ? null : id);
            } else {
                requireEverything(caller);
            }
        }
    }

    /** Type history: read of the type; under a search restriction it is not narrowed, so it needs the whole type. */
    private static void typeHistory(SmartAccess caller, String type) {
        require(caller, type, Interaction.READ);
        if (!caller.restrictions(type, Interaction.READ).isEmpty()) {
            requireAll(caller, type, Interaction.READ, "type history");
        }
    }

    /** {@code _history}, {@code [type]/_history}, {@code [type]/[id]/_history} or {@code [type]/[id]/_history/[vid]}. */
    private static boolean history(String[] parts, boolean typed) {
        return typed ? (parts.length == 2 && parts[1].equals("_history"))
                        || ((parts.length == 3 || parts.length == 4) && parts[2].equals("_history"))
                : parts.length == 1 && parts[0].equals("_history");
    }

    /**
     * A patient-scoped caller sees only resources of its compartment: anything else in a response is a resource it
     * cannot know of (read: 404 as for an unknown id; a Bundle: the entry is left out).
     */
    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = FIRST)
    public boolean outgoing(RequestDetails request, @Nullable IBaseResource response) {
        SmartAccess caller = access.current();
        if (caller.unrestricted() || caller.patient() == null || response == null) {
            return true;
        }
        String patient = caller.patient();
        RestOperationTypeEnum op = request.getRestOperationType();
        if (response instanceof Bundle bundle && op != RestOperationTypeEnum.READ && op != RestOperationTypeEnum.VREAD) {
            // A search's matches need s (a scope may allow searching without reading by id), anything else r.
            Interaction needed = op == RestOperationTypeEnum.SEARCH_TYPE ? Interaction.SEARCH : Interaction.READ;
            leaveOutOfReach(bundle, caller, patient, needed);
            return true;
        }
        return true; // a read or vread was checked by the store, against the version it read
    }

    /**
     * Removes the entries the caller may not see. The search sets a batch or transaction answers its searches with are
     * the server's own answers, not stored Bundles (a patient scope cannot read those): their entries are checked.
     */
    private void leaveOutOfReach(Bundle bundle, SmartAccess caller, String patient, Interaction needed) {
        boolean answers = bundle.getType() == Bundle.BundleType.BATCHRESPONSE
                || bundle.getType() == Bundle.BundleType.TRANSACTIONRESPONSE;
        bundle.getEntry().removeIf(e -> {
            IBaseResource resource = e.getResource();
            if (resource == null || resource instanceof OperationOutcome) {
                return false;
            }
            if (answers && resource instanceof Bundle answer && (answer.getType() == Bundle.BundleType.SEARCHSET
                    || answer.getType() == Bundle.BundleType.HISTORY)) {
                leaveOutOfReach(answer, caller, patient,
                        answer.getType() == Bundle.BundleType.SEARCHSET ? Interaction.SEARCH : Interaction.READ);
                return false;
            }
            return !inReach(caller, resource, patient, needed);
        });
    }

    private boolean inReach(SmartAccess caller, IBaseResource resource, String patient, Interaction interaction) {
        String type = resource.fhirType();
        Reach reach = caller.reach(type, interaction);
        return reach == Reach.ALL || (reach == Reach.PATIENT && store.patientCompartments(resource).contains(patient));
    }

    private static Reach require(SmartAccess caller, String type, Interaction interaction) {
        Reach reach = caller.reach(type, interaction);
        if (reach == Reach.NONE) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "The token's scopes do not allow "
                    + interaction.name().toLowerCase(java.util.Locale.ROOT) + " of " + type);
        }
        return reach;
    }

    private static void requireAll(SmartAccess caller, String type, Interaction interaction, String what) {
        if (require(caller, type, interaction) != Reach.ALL || !caller.restrictions(type, interaction).isEmpty()) {
            throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE,
                    "A " + what + " is not yet available to patient-scoped or search-restricted tokens");
        }
    }

    /**
     * A read under search-restricted scopes (SMART v2, {@code Observation.rs?category=laboratory}): the current
     * version must match one of the restrictions, else it is answered as unknown.
     */
    private void matchesRestriction(SmartAccess caller, String type, @Nullable String id) {
        List<String> restrictions = caller.restrictions(type, Interaction.READ);
        if (restrictions.isEmpty() || id == null) {
            return;
        }
        for (String restriction : restrictions) {
            SearchRequest match = store.parseQuery(type, restriction + "&_id=" + id + "&_count=1");
            if (!store.search(match).items().isEmpty()) {
                return;
            }
        }
        throw notKnown(type, id);
    }

    /**
     * A search under search-restricted scopes gets their criteria added (AND with the client's). Several restrictions
     * on one type allow what any of them allows: when each is one value of the same parameter
     * ({@code category=laboratory}, {@code category=vital-signs}) they become that parameter's OR list; other
     * combinations are refused, since a search cannot say "these criteria or those" yet.
     */
    private void restrict(RequestDetails request, SmartAccess caller, String type) {
        List<String> restrictions = caller.restrictions(type, Interaction.SEARCH);
        if (restrictions.isEmpty()) {
            return;
        }
        Map<String, List<String>> combined = combined(restrictions);
        if (combined == null) {
            throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE, "The token has " + restrictions.size()
                    + " search-restricted scopes for " + type + " on different parameters; a search under them is"
                    + " available when each restricts the same parameter to one value");
        }
        Map<String, String[]> params = new LinkedHashMap<>(request.getParameters());
        refuseHas(params.keySet(), "search-restricted"); // included resources are checked by the store as reads
        combined.forEach((name, values) -> params.merge(name, values.toArray(new String[0]), AccessInterceptor::and));
        request.setParameters(params);
    }

    /** The restrictions as one set of criteria, or null when they cannot be one (see {@link #restrict}). */
    static @Nullable Map<String, List<String>> combined(List<String> restrictions) {
        if (restrictions.size() == 1) {
            return QueryString.parse(restrictions.get(0));
        }
        String name = null;
        List<String> values = new java.util.ArrayList<>();
        for (String restriction : restrictions) {
            Map<String, List<String>> one = QueryString.parse(restriction);
            if (one.size() != 1) {
                return null;
            }
            Map.Entry<String, List<String>> only = one.entrySet().iterator().next();
            if (only.getValue().size() != 1 || (name != null && !name.equals(only.getKey()))) {
                return null;
            }
            name = only.getKey();
            values.add(only.getValue().get(0));
        }
        return name == null ? null : Map.of(name, List.of(String.join(",", values)));
    }

    /**
     * An operation: the token must allow what it declares it reads and writes, all of it beyond any compartment
     * unless the operation may run for one patient; its target must be in reach. Undeclared ones need everything.
     */
    private void operation(SmartAccess caller, String type, @Nullable String id, @Nullable String name) {
        OperationScopes.Declaration declared = OperationScopes.of(type, name);
        if (declared == null) {
            requireEverything(caller);
            return;
        }
        for (String read : declared.reads()) {
            requireFor(caller, declared, read, Interaction.READ, name);
            requireFor(caller, declared, read, Interaction.SEARCH, name);
        }
        for (String written : declared.writes()) {
            requireFor(caller, declared, written, Interaction.CREATE, name);
            requireFor(caller, declared, written, Interaction.UPDATE, name);
        }
        if (id != null) {
            stored(caller, require(caller, type, Interaction.READ), type, id);
            matchesRestriction(caller, type, id);
            if (declared.writesTarget() && caller.reach(type, Interaction.UPDATE) == Reach.PATIENT) {
                store.requireInCompartmentAlone(type, id, java.util.Objects.requireNonNull(caller.patient()));
            }
        }
    }

    private static void requireFor(SmartAccess caller, OperationScopes.Declaration declared, String type,
            Interaction interaction, @Nullable String name) {
        Reach reach = caller.reach(type, interaction);
        if (reach == Reach.NONE) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, name + " needs "
                    + interaction.name().toLowerCase(java.util.Locale.ROOT) + " of " + type
                    + ", which the token's scopes do not allow");
        }
        if (!declared.patientScopes() && (reach != Reach.ALL || !caller.restrictions(type, interaction).isEmpty())) {
            throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE,
                    name + " needs a user or system scope (" + type + "), not a patient-scoped or search-restricted one");
        }
    }

    private static void requireEverything(SmartAccess caller) {
        if (!caller.everything()) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE, "Operations read and write across resource"
                    + " types; for now they need a user or system scope for every type (user/*.cruds)");
        }
    }

    /** An operation's target in a patient scope: the current version must be in the compartment. */
    private void stored(SmartAccess caller, Reach reach, String type, @Nullable String id) {
        if (reach == Reach.PATIENT && id != null && !compartmentOfStored(type, id).contains(caller.patient())) {
            throw notKnown(type, id);
        }
    }

    /** The compartments of the stored current version; an unknown, deleted or foreign one is answered as unknown. */
    private Set<String> compartmentOfStored(String type, String id) {
        try {
            return store.storedCompartments(type, id);
        } catch (OverturnException e) {
            if (e.code() == ErrorCode.GONE || e.code() == ErrorCode.NOT_FOUND) {
                throw notKnown(type, id); // a deleted resource answers 404 too: its compartment is not known here
            }
            throw e;
        }
    }

    /**
     * A patient-scoped search: the store narrows it to the token patient's compartment and includes only what the
     * token may read, iterated includes going on from those alone (security.AccessCheckedStore).
     */
    private static void narrow(RequestDetails request, Reach reach) {
        if (reach == Reach.PATIENT) {
            refuseHas(request.getParameters().keySet(), "patient-scoped");
        }
    }

    /**
     * {@code _has} filters by resources the caller may not see, which no narrowing of the searched type checks. Refused
     * here with advice for narrowed callers; the store (security.AccessCheckedStore) also refuses it to any caller that
     * does not search every resource of the referring type.
     */
    private static void refuseHas(java.util.Collection<String> parameters, String caller) {
        for (String name : parameters) {
            if (name.equals("_has") || name.startsWith("_has:")) {
                throw new OverturnException(ErrorCode.NOT_SUPPORTED_FOR_PATIENT_SCOPE, name + " is not available to "
                        + caller + " tokens: it filters by resources they may not see. Search the other type first"
                        + " (narrowed to what the token reaches), then ask for what its matches name by _id", name);
            }
        }
    }

    private static String[] and(String[] existing, String[] added) {
        String[] both = java.util.Arrays.copyOf(existing, existing.length + added.length);
        System.arraycopy(added, 0, both, existing.length, added.length);
        return both;
    }

    private void create(SmartAccess caller, String type, @Nullable IBaseResource resource) {
        Reach reach = require(caller, type, Interaction.CREATE);
        if (reach == Reach.PATIENT) {
            // If-None-Exist is matched within the compartment by the store (security.AccessCheckedStore)
            inCompartment(caller, resource);
        }
    }

    private void update(SmartAccess caller, String type, @Nullable String id, @Nullable IBaseResource resource) {
        Reach reach = require(caller, type, Interaction.UPDATE);
        if (reach != Reach.PATIENT) {
            return;
        }
        inCompartment(caller, resource);
        if (id == null) {
            return; // a conditional update: matched within the compartment, its match checked, by the store
        }
        // An id never used is an update as create, inside the compartment (checked above).
        store.requireInCompartmentAlone(type, id, java.util.Objects.requireNonNull(caller.patient()));
    }

    private void delete(SmartAccess caller, String type, @Nullable String id) {
        Reach reach = require(caller, type, Interaction.DELETE);
        if (reach != Reach.PATIENT) {
            return;
        }
        if (id == null) {
            return; // a conditional delete: matched within the compartment, each match checked, by the store
        }
        if (!store.requireInCompartmentAlone(type, id, java.util.Objects.requireNonNull(caller.patient()))) {
            throw notKnown(type, id); // never stored: answered as another patient's would be
        }
    }

    /**
     * A resource written with a patient scope must belong to the token patient's compartment and to no other one:
     * a patient token writes nothing into, or changes nothing of, another patient's compartment.
     */
    private void inCompartment(SmartAccess caller, @Nullable IBaseResource resource) {
        if (resource == null || !onlyOf(store.patientCompartments(resource), caller.patient())) {
            throw new OverturnException(ErrorCode.INSUFFICIENT_SCOPE,
                    "The token's patient scope allows writing only resources of its own patient's compartment");
        }
    }

    private static boolean onlyOf(Set<String> members, @Nullable String patient) {
        return patient != null && members.equals(Set.of(patient));
    }

    /** Visible to the caller (it is a member), so a refusal may say why. */
    /** The same answer as for an id never stored, so that a refusal reveals nothing. */
    private static OverturnException notKnown(String type, @Nullable String id) {
        return new OverturnException(ErrorCode.NOT_FOUND, type + "/" + id + " is not known");
    }
}
