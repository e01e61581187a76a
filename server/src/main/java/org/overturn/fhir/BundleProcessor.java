package org.overturn.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.platform.RequiredElements;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.store.Page;
import org.overturn.store.QueryString;
import org.overturn.store.ResourceStore;
import org.overturn.store.SearchParameterRegistry;
import org.overturn.store.SearchRequest;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.jspecify.annotations.Nullable;

/**
 * Processes transaction and batch Bundles. A transaction runs in one database transaction: ids are assigned first,
 * references to fullUrls (urn:uuid, conditional references) are rewritten, then entries run in the order FHIR sets
 * (DELETE, POST, PUT, GET), and any failure rolls everything back. A batch runs each entry on its own.
 */
final class BundleProcessor {
    private final FhirContext ctx;
    private final ResourceStore store;
    private final RequiredElements validator;
    private final WriteValidation writes;
    private final FhirInteractions interactions;
    private final int maxEntries;
    private final Clock clock;
    private final SearchParameterRegistry registry;

    BundleProcessor(FhirContext ctx, ResourceStore store, RequiredElements validator, WriteValidation writes,
            FhirInteractions interactions, int maxEntries, Clock clock, SearchParameterRegistry registry) {
        this.ctx = ctx;
        this.store = store;
        this.registry = registry;
        this.validator = validator;
        this.writes = writes;
        this.interactions = interactions;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    Bundle process(Bundle bundle, RequestDetails request) {
        if (bundle.getEntry().size() > maxEntries) {
            // A transaction holds its connection and row locks until its last entry: bound how long that can be.
            throw new OverturnException(ErrorCode.BUNDLE_TOO_LARGE, "The Bundle has " + bundle.getEntry().size()
                    + " entries; this server takes at most " + maxEntries + " (overturn.fhir.max-bundle-entries): split it",
                    "Bundle.entry");
        }
        String base = request.getFhirServerBase();
        boolean representation = returnRepresentation(request);
        if (bundle.getType() == Bundle.BundleType.TRANSACTION) {
            return store.inTransaction(() -> transaction(bundle, base, representation));
        }
        if (bundle.getType() == Bundle.BundleType.BATCH) {
            return batch(bundle, base, representation);
        }
        throw new OverturnException(
                ErrorCode.INVALID_BUNDLE,
                "POST to the base URL takes a Bundle of type transaction or batch, not "
                        + (bundle.getType() == null ? "(no type)" : bundle.getType().toCode()),
                "Bundle.type");
    }

    /**
     * One parsed request entry; {@code history} for a GET of a history ({@code [type]/[id]/_history},
     * {@code [type]/_history} or {@code _history}, whose type is then empty).
     */
    private record Entry(int index, HTTPVerb method, String type, @Nullable String id, @Nullable String query,
            BundleEntryComponent raw, boolean history, @Nullable CompartmentPath compartment) {
        String label() {
            return "Bundle.entry[" + index + "]";
        }
    }

    private Bundle transaction(Bundle bundle, String base, boolean representation) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            entries.add(parse(i, bundle.getEntry().get(i)));
        }
        // fullUrl -> local reference, for every entry whose id is known before anything is written
        Map<String, String> ids = new HashMap<>();
        Map<Integer, String> assigned = new HashMap<>();
        Map<Integer, StoredResource> matched = new HashMap<>();
        for (Entry e : entries) {
            guardRun(e, () -> {
                if (e.method() == HTTPVerb.POST) {
                    String ifNoneExist = e.raw().getRequest().getIfNoneExist();
                    String existing = ifNoneExist == null || ifNoneExist.isBlank()
                            ? null
                            : single(e.type(), FhirInteractions.conditionQuery(ifNoneExist), true);
                    if (existing != null) {
                        matched.put(e.index(), store.read(e.type(), existing));
                    }
                    String id = existing != null ? existing : UUID.randomUUID().toString();
                    assigned.put(e.index(), id);
                    remember(ids, e, base, e.type() + "/" + id);
                } else if (e.method() == HTTPVerb.PUT) {
                    String id = e.id() != null ? e.id() : single(e.type(), e.query(), true);
                    if (id == null) {
                        id = UUID.randomUUID().toString();
                    }
                    assigned.put(e.index(), id);
                    remember(ids, e, base, e.type() + "/" + id);
                }
            });
        }
        for (Entry e : entries) {
            if (e.raw().getResource() != null) {
                guardRun(e, () -> rewriteReferences(e.raw().getResource(), ids, base));
            }
        }
        Map<Integer, BundleEntryComponent> responses = new LinkedHashMap<>();
        for (HTTPVerb verb : List.of(HTTPVerb.DELETE, HTTPVerb.POST, HTTPVerb.PUT, HTTPVerb.GET, HTTPVerb.HEAD)) {
            for (Entry e : entries) {
                if (e.method() == verb) {
                    responses.put(e.index(), guard(e, () -> perform(e, assigned.get(e.index()), matched.get(e.index()), base, representation)));
                }
            }
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        response.setId(UUID.randomUUID().toString());
        for (Entry e : entries) {
            response.addEntry(responses.get(e.index()));
        }
        return response;
    }

    private Bundle batch(Bundle bundle, String base, boolean representation) {
        Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        response.setId(UUID.randomUUID().toString());
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            BundleEntryComponent raw = bundle.getEntry().get(i);
            int index = i;
            try {
                response.addEntry(store.inTransaction(() -> {
                    Entry e = parse(index, raw);
                    String id = e.method() == HTTPVerb.PUT ? e.id() : null;
                    if (e.method() == HTTPVerb.PUT && id == null) {
                        String found = single(e.type(), e.query(), true);
                        id = found != null ? found : UUID.randomUUID().toString();
                    }
                    StoredResource existing = null;
                    if (e.method() == HTTPVerb.POST) {
                        String ifNoneExist = raw.getRequest().getIfNoneExist();
                        String found = ifNoneExist == null || ifNoneExist.isBlank()
                                ? null
                                : single(e.type(), FhirInteractions.conditionQuery(ifNoneExist), true);
                        existing = found == null ? null : store.read(e.type(), found);
                        id = found != null ? found : UUID.randomUUID().toString();
                    }
                    return perform(e, id, existing, base, representation);
                }));
            } catch (RuntimeException failure) {
                ErrorMapper.Mapped mapped = ErrorMapper.map(failure, RequestIds.current());
                BundleEntryComponent entry = response.addEntry();
                entry.getResponse()
                        .setStatus(mapped.status() + " " + reason(mapped.status()))
                        .setOutcome(mapped.outcome());
            }
        }
        return response;
    }

    private Entry parse(int index, BundleEntryComponent raw) {
        String label = "Bundle.entry[" + index + "]";
        Bundle.BundleEntryRequestComponent req = raw.getRequest();
        if (req.getMethod() == null || req.getMethod() == HTTPVerb.NULL || !req.hasUrl()) {
            throw new OverturnException(ErrorCode.INVALID_BUNDLE, label + ": request.method and request.url are required", label + ".request");
        }
        if (req.getMethod() == HTTPVerb.PATCH) {
            throw new OverturnException(ErrorCode.METHOD_NOT_ALLOWED, label + ": PATCH is not supported", label + ".request.method");
        }
        String url = req.getUrl();
        if (url.contains("://")) {
            throw new OverturnException(ErrorCode.INVALID_BUNDLE, label + ": request.url must be relative, such as Patient/123", label + ".request.url");
        }
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        String query = url.contains("?") ? url.substring(url.indexOf('?') + 1) : null;
        String[] parts = path.split("/");
        boolean read = req.getMethod() == HTTPVerb.GET || req.getMethod() == HTTPVerb.HEAD;
        if (read && path.equals("_history")) {
            return new Entry(index, req.getMethod(), "", null, query, raw, true, null);
        }
        String type = parts[0];
        if (!store.supports(type)) {
            throw new OverturnException(ErrorCode.UNKNOWN_TYPE, label + ": resource type '" + type + "' is not supported", label + ".request.url");
        }
        CompartmentPath compartment = read && parts.length == 3 ? CompartmentPath.of(parts) : null;
        if (compartment != null) {
            try {
                compartment.check(registry);
            } catch (OverturnException refused) {
                throw new OverturnException(refused.code(), label + ": " + refused.getMessage(), label + ".request.url");
            }
            return new Entry(index, req.getMethod(), compartment.type(), null, query, raw, false, compartment);
        }
        String id = parts.length >= 2 ? parts[1] : null;
        boolean needsResource = req.getMethod() == HTTPVerb.POST || req.getMethod() == HTTPVerb.PUT;
        if (needsResource) {
            if (raw.getResource() == null) {
                throw new OverturnException(ErrorCode.INVALID_BUNDLE, label + ": a " + req.getMethod().toCode() + " entry needs a resource", label + ".resource");
            }
            String bodyType = raw.getResource().fhirType();
            if (!bodyType.equals(type)) {
                throw new OverturnException(ErrorCode.INVALID_BUNDLE, label + ": the resource is a " + bodyType + " but request.url names " + type, label + ".resource");
            }
            validator.check(raw.getResource());
            try {
                writes.check(raw.getResource());
            } catch (WriteValidation.Rejected rejected) {
                throw rejected.in(label);
            }
        }
        if (req.getMethod() == HTTPVerb.PUT && id == null && query == null) {
            throw new OverturnException(ErrorCode.INVALID_BUNDLE, label + ": PUT needs Type/id or Type?search", label + ".request.url");
        }
        if (req.getMethod() == HTTPVerb.DELETE && id == null && query == null) {
            throw new OverturnException(ErrorCode.INVALID_BUNDLE, label + ": DELETE needs Type/id or Type?search", label + ".request.url");
        }
        boolean history = read && parts.length >= 2 && parts[parts.length - 1].equals("_history");
        if (history && parts.length > 3) {
            throw new OverturnException(ErrorCode.INVALID_BUNDLE, label + ": a history is [type]/[id]/_history, [type]/_history"
                    + " or _history", label + ".request.url");
        }
        return new Entry(index, req.getMethod(), type, history && parts.length == 2 ? null : id, query, raw, history, null);
    }

    private BundleEntryComponent perform(
            Entry e, @Nullable String id, @Nullable StoredResource matched, String base, boolean representation) {
        BundleEntryComponent out = new BundleEntryComponent();
        switch (e.method()) {
            case POST -> {
                if (matched != null) {
                    return written(out, new WriteResult(matched, WriteResult.Kind.MATCHED), base, representation);
                }
                Resource resource = e.raw().getResource();
                resource.setId(id);
                return written(out, store.create(resource, null), base, representation);
            }
            case PUT -> {
                Resource resource = e.raw().getResource();
                String bodyId = resource.getIdElement().getIdPart();
                if (e.id() != null && bodyId != null && !bodyId.equals(e.id())) {
                    throw new OverturnException(ErrorCode.INVALID_BUNDLE, "the resource id '" + bodyId + "' differs from the id in request.url");
                }
                return written(out, store.update(e.type(), requireId(id), resource, ifMatch(e)), base, representation);
            }
            case DELETE -> {
                if (e.id() != null) {
                    store.delete(e.type(), e.id(), ifMatch(e));
                } else {
                    store.conditionalDelete(e.type(), requireId(e.query()));
                }
                out.getResponse().setStatus("204 No Content");
                return out;
            }
            case GET, HEAD -> {
                if (e.history()) {
                    // The same Bundle as GET [path] alone, with every entry's request and response.
                    String path = e.raw().getRequest().getUrl().split("\\?", 2)[0];
                    out.setResource(interactions.historyBundle(e.type().isEmpty() ? null : e.type(), e.id(), path,
                            QueryString.parse(e.query() == null ? "" : e.query()), base));
                    out.getResponse().setStatus("200 OK");
                    return out;
                }
                if (e.id() != null) {
                    String[] parts = e.raw().getRequest().getUrl().split("\\?", 2)[0].split("/");
                    StoredResource stored = parts.length == 4 && parts[2].equals("_history")
                            ? store.vread(e.type(), e.id(), FhirInteractions.version(parts[3]))
                            : store.read(e.type(), e.id());
                    out.setFullUrl(base + "/" + stored.type() + "/" + stored.id());
                    out.setResource((Resource) stored.resource());
                    out.getResponse().setStatus("200 OK").setEtag("W/\"" + stored.version() + "\"");
                    return out;
                }
                Map<String, List<String>> params = QueryString.parse(e.query() == null ? "" : e.query());
                SearchRequest parsed = store.parse(e.type(), params, false);
                SearchRequest request = e.compartment() == null ? parsed : parsed.withinCompartment(e.compartment().id());
                Page<StoredResource> page = store.search(request);
                Map<String, String[]> raw = new LinkedHashMap<>();
                params.forEach((k, v) -> raw.put(k, v.toArray(new String[0])));
                String path = e.compartment() == null ? e.type() : e.compartment().path();
                out.setResource(SearchBundles.searchSet(base, path, raw, request, page, clock.instant()));
                out.getResponse().setStatus("200 OK");
                return out;
            }
            default -> throw new OverturnException(ErrorCode.METHOD_NOT_ALLOWED, e.method().toCode() + " is not supported in a Bundle");
        }
    }

    /** The version {@code request.ifMatch} names, null when the entry sent none. */
    private static @Nullable Long ifMatch(Entry e) {
        if (!e.raw().getRequest().hasIfMatch()) {
            return null;
        }
        return FhirInteractions.version(ca.uhn.fhir.rest.param.ParameterUtil.parseETagValue(e.raw().getRequest().getIfMatch()));
    }

    private static String requireId(@Nullable String id) {
        if (id == null) {
            throw new IllegalStateException("no id assigned");
        }
        return id;
    }

    private BundleEntryComponent written(BundleEntryComponent out, WriteResult result, String base, boolean representation) {
        StoredResource stored = result.stored();
        out.setFullUrl(base + "/" + stored.type() + "/" + stored.id());
        out.getResponse()
                .setStatus(result.kind() == WriteResult.Kind.CREATED ? "201 Created" : "200 OK")
                .setLocation(stored.versionedReference())
                .setEtag("W/\"" + stored.version() + "\"")
                .setLastModified(java.util.Date.from(stored.lastUpdated()));
        if (representation && stored.resource() != null) {
            out.setResource((Resource) stored.resource());
        }
        return out;
    }

    /** The id of the one match of a search, null when nothing matches; more than one match is a 412. */
    private @Nullable String single(String type, @Nullable String query, boolean allowNone) {
        if (query == null || query.isBlank()) {
            throw new OverturnException(ErrorCode.INVALID_BUNDLE, "a conditional request needs search parameters");
        }
        String found = store.matchOne(type, query);
        if (found == null && !allowNone) {
            throw new OverturnException(ErrorCode.INVALID_BUNDLE, "'" + type + "?" + query + "' matches nothing");
        }
        return found;
    }

    private static void remember(Map<String, String> ids, Entry e, String base, String local) {
        String fullUrl = e.raw().getFullUrl();
        if (fullUrl != null && !fullUrl.isBlank()) {
            if (ids.containsKey(fullUrl)) {
                throw new OverturnException(ErrorCode.INVALID_BUNDLE, "fullUrl " + fullUrl + " appears twice in the Bundle");
            }
            ids.put(fullUrl, local);
        }
        ids.put(base + "/" + local, local);
    }

    /** Points references at fullUrls of this Bundle, and conditional references, to the ids they resolve to. */
    private void rewriteReferences(IBaseResource resource, Map<String, String> ids, String base) {
        for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            String value = ref.getReference();
            if (value == null || value.startsWith("#")) {
                continue;
            }
            String local = ids.get(value);
            if (local != null) {
                ref.setReference(local);
            } else if (value.startsWith("urn:uuid:") || value.startsWith("urn:oid:")) {
                throw new OverturnException(ErrorCode.INVALID_BUNDLE, "reference " + value + " names no fullUrl in this Bundle");
            } else if (value.contains("?")) {
                String type = value.substring(0, value.indexOf('?'));
                if (!store.supports(type)) {
                    throw new OverturnException(ErrorCode.INVALID_BUNDLE, "conditional reference " + value + " names an unsupported type");
                }
                String id = single(type, value.substring(value.indexOf('?') + 1), false);
                ref.setReference(type + "/" + id);
            } else if (value.startsWith(base + "/")) {
                ref.setReference(new IdType(value).toUnqualifiedVersionless().getValue());
            }
        }
    }

    private interface Work<T> {
        T run();
    }

    private static void guardRun(Entry e, Runnable work) {
        guard(e, () -> {
            work.run();
            return Boolean.TRUE;
        });
    }

    /** Prefixes a failure with the entry it came from, so the client knows which one to fix. */
    private static <T> T guard(Entry e, Work<T> work) {
        try {
            return work.run();
        } catch (RequiredElements.InvalidResourceException invalid) {
            throw invalid;
        } catch (OverturnException failure) {
            String message = failure.getMessage().startsWith(e.label()) ? failure.getMessage() : e.label() + " (" + e.method().toCode() + " " + e.raw().getRequest().getUrl() + "): " + failure.getMessage();
            throw new OverturnException(failure.code(), message, failure.expression() != null ? failure.expression() : e.label(), failure);
        }
    }

    private static boolean returnRepresentation(RequestDetails request) {
        String prefer = request.getHeader(Constants.HEADER_PREFER);
        return prefer != null && prefer.replace(" ", "").contains("return=representation");
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 412 -> "Precondition Failed";
            case 422 -> "Unprocessable Entity";
            default -> "Error";
        };
    }
}
