package org.overturn.fhir;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ParameterUtil;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;
import org.overturn.platform.Outcomes;
import org.overturn.store.HistoryEntry;
import org.overturn.store.Page;
import org.overturn.store.ResourceStore;
import org.overturn.store.SearchRequest;
import org.overturn.store.SearchRequestParser;
import org.overturn.store.StoreProperties;
import org.overturn.store.StoredResource;
import org.overturn.store.WriteResult;
import org.jspecify.annotations.Nullable;

/** What the type-level and system-level providers share: search, history, and write outcomes. */
final class FhirInteractions {
    private final ResourceStore store;
    private final StoreProperties limits;
    private final Clock clock;

    FhirInteractions(ResourceStore store, StoreProperties limits, Clock clock) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    IBaseResource resourceOf(StoredResource stored) {
        IBaseResource resource = stored.resource();
        if (resource == null) {
            throw new OverturnException(ErrorCode.GONE, stored.type() + "/" + stored.id() + " is deleted");
        }
        return resource;
    }

    Bundle search(String type, RequestDetails request) {
        Map<String, List<String>> params = searchParams(request.getFhirServerBase(), request.getParameters());
        boolean countOnly = "count".equals(first(request.getParameters().get(Constants.PARAM_SUMMARY)));
        SearchRequest parsed = store.parse(type, params, lenient(request));
        if (countOnly) {
            parsed = new SearchRequest(
                    type, parsed.criteria(), List.of(), 0, 0, List.of(), List.of(), SearchRequest.Total.ACCURATE);
        }
        String compartment = CompartmentSearchFilter.patientOf(request);
        if (compartment != null) {
            parsed = parsed.withinCompartment(compartment);
        }
        Page<StoredResource> page = store.search(parsed);
        return SearchBundles.searchSet(request.getFhirServerBase(), CompartmentSearchFilter.pathOf(request, type),
                request.getParameters(), parsed, page, clock.instant());
    }

    /** The search parameters as the store reads them: a reference to this server by absolute URL means the relative one. */
    static Map<String, List<String>> searchParams(String base, Map<String, String[]> raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        String localPrefix = base + "/";
        raw.forEach((k, v) -> params.put(
                k, Arrays.stream(v).map(x -> x.startsWith(localPrefix) ? x.substring(localPrefix.length()) : x).toList()));
        return params;
    }

    /** History as HAPI's offset paging expects it: the provider answers the page that _offset/_count name. */
    IBundleProvider history(
            @Nullable String type, @Nullable String id, @Nullable Date since, @Nullable Integer count, RequestDetails request) {
        int pageSize = pageSize(count);
        int offset = offset(first(request.getParameters().get(Constants.PARAM_OFFSET)));
        Page<HistoryEntry> page = store.history(type, id, since == null ? null : since.toInstant(), pageSize, offset);
        List<IBaseResource> resources = new ArrayList<>();
        Map<String, StoredResource> versions = new LinkedHashMap<>();
        for (HistoryEntry entry : page.items()) {
            resources.add(historyResource(entry, request.getFhirServerBase()));
            versions.put(entry.stored().versionedReference(), entry.stored());
        }
        request.getUserData().put(HistoryBundleInterceptor.VERSIONS, versions);
        SimpleBundleProvider provider = new SimpleBundleProvider(resources);
        provider.setSize(page.total());
        provider.setCurrentPageOffset(offset);
        provider.setCurrentPageSize(pageSize);
        return provider;
    }

    /**
     * The same history as {@link #history} for {@code GET [path]} inside a batch or transaction Bundle, where no HAPI
     * builds the Bundle: built here, entry by entry as {@link HistoryBundleInterceptor} completes HAPI's.
     *
     * @param path "Type/id/_history", "Type/_history" or "_history"
     */
    Bundle historyBundle(@Nullable String type, @Nullable String id, String path, Map<String, List<String>> query, String base) {
        for (String name : query.keySet()) {
            if (!HISTORY_PARAMS.contains(name)) {
                throw new OverturnException(ErrorCode.INVALID_SEARCH, "A history takes " + String.join(", ", HISTORY_PARAMS)
                        + ", not '" + name + "'");
            }
        }
        String countParam = firstOf(query.get(Constants.PARAM_COUNT));
        String sinceParam = firstOf(query.get(Constants.PARAM_SINCE));
        int pageSize = pageSize(countParam == null ? null : parseWhole(Constants.PARAM_COUNT, countParam));
        int offset = offset(firstOf(query.get(Constants.PARAM_OFFSET)));
        Instant since = sinceParam == null ? null : parseInstant(sinceParam);
        Page<HistoryEntry> page = store.history(type, id, since, pageSize, offset);
        return HistoryEntries.bundle(base, path, query, page, pageSize, offset, clock.instant());
    }

    private static final List<String> HISTORY_PARAMS = List.of(Constants.PARAM_COUNT, Constants.PARAM_SINCE, Constants.PARAM_OFFSET);

    private int pageSize(@Nullable Integer count) {
        return count == null ? limits.defaultPageSize() : Math.min(Math.max(0, count), limits.maxPageSize());
    }

    private int offset(@Nullable String offsetParam) {
        return offsetParam == null ? 0 : SearchRequestParser.checkOffset(parseOffset(offsetParam), limits.maxOffset());
    }

    private static Instant parseInstant(String value) {
        try {
            return new org.hl7.fhir.r4.model.InstantType(value).getValue().toInstant();
        } catch (RuntimeException e) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "_since must be an instant such as 2025-01-31T09:00:00Z, not '"
                    + value + "'");
        }
    }

    private static int parseWhole(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, name + " must be a whole number, not '" + value + "'");
        }
    }

    private static @Nullable String firstOf(@Nullable List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static IBaseResource historyResource(HistoryEntry entry, String base) {
        StoredResource stored = entry.stored();
        if (stored.resource() != null) {
            return stored.resource();
        }
        // A deletion has no body: HAPI renders an entry with request DELETE, a response and no resource for a resource
        // flagged as deleted. Its id carries the base, so that HAPI takes the entry's fullUrl from it ([base]/[type]/[id])
        // and not from the stand-in's own type; HistoryBundleInterceptor finds the version by the request URL HAPI
        // writes from that id, and writes the entry's request and response.
        IBaseResource tombstone = new org.hl7.fhir.r4.model.Basic();
        tombstone.setId(new IdType(base, stored.type(), stored.id(), Long.toString(stored.version())));
        ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.DELETED_AT.put(
                tombstone, new org.hl7.fhir.r4.model.InstantType(Date.from(stored.lastUpdated())));
        ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(
                tombstone, ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum.DELETE);
        return tombstone;
    }

    static MethodOutcome outcome(WriteResult result) {
        StoredResource stored = result.stored();
        MethodOutcome outcome = new MethodOutcome(new IdType(stored.type(), stored.id(), Long.toString(stored.version())));
        outcome.setCreated(result.kind() == WriteResult.Kind.CREATED);
        outcome.setResource(stored.resource());
        String what = switch (result.kind()) {
            case CREATED -> "Created ";
            case MATCHED -> "Matched existing ";
            default -> "Updated ";
        };
        outcome.setOperationOutcome(Outcomes.information(what + stored.versionedReference()));
        return outcome;
    }

    static MethodOutcome deletedOutcome(String message) {
        MethodOutcome outcome = new MethodOutcome();
        outcome.setOperationOutcome(Outcomes.information(message));
        return outcome;
    }

    static long version(String versionId) {
        try {
            return Long.parseLong(versionId);
        } catch (NumberFormatException e) {
            throw new OverturnException(ErrorCode.NOT_FOUND, "'" + versionId + "' is not a version of this server");
        }
    }

    static @Nullable Long ifMatch(RequestDetails request) {
        String header = request.getHeader(Constants.HEADER_IF_MATCH);
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = ParameterUtil.parseETagValue(header);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new OverturnException(
                    ErrorCode.INVALID_REQUEST, "If-Match must be a version ETag such as W/\"3\", not " + header);
        }
    }

    static @Nullable String conditionQuery(@Nullable String condition) {
        if (condition == null || condition.isBlank()) {
            return null;
        }
        int q = condition.indexOf('?');
        return q >= 0 ? condition.substring(q + 1) : condition;
    }

    static String requireCondition(@Nullable String condition) {
        String query = conditionQuery(condition);
        if (query == null || query.isBlank()) {
            throw new OverturnException(
                    ErrorCode.INVALID_REQUEST, "A conditional update or delete needs search parameters in the URL");
        }
        return query;
    }

    static boolean lenient(RequestDetails request) {
        return lenient(request.getHeader(Constants.HEADER_PREFER));
    }

    /** FHIR {@code Prefer: handling=lenient}: unknown search parameters are ignored rather than refused. */
    static boolean lenient(@Nullable String prefer) {
        return prefer != null && prefer.replace(" ", "").contains("handling=lenient");
    }

    private static int parseOffset(String value) {
        try {
            return Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new OverturnException(ErrorCode.INVALID_SEARCH, "_offset must be a whole number, not '" + value + "'");
        }
    }

    private static @Nullable String first(String @Nullable [] values) {
        return values == null || values.length == 0 ? null : values[0];
    }
}
