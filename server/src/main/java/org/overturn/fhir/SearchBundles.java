package org.overturn.fhir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.store.Page;
import org.overturn.store.SearchRequest;
import org.overturn.store.StoredResource;

/**
 * Builds searchset Bundles. Paging is stateless: next/previous links repeat the query with another {@code _offset},
 * so any server instance can answer any page.
 */
final class SearchBundles {
    private static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

    private SearchBundles() {}

    /**
     * @param base the server base URL
     * @param path "Type" or "Type/_search"-style path the links repeat (without base)
     * @param params the request's parameters, in order; {@code _offset} is replaced per link
     */
    static Bundle searchSet(String base, String path, Map<String, String[]> params, SearchRequest request, Page<StoredResource> page) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(new Date());
        if (page.total() != null) {
            bundle.setTotal(page.total());
        } else {
            // Unknown without a count (_total=accurate asks for one). Left empty, HAPI would fill in the page size,
            // which is wrong: total counts every match. An absent-reason marks it unknown instead.
            bundle.getTotalElement().addExtension(DATA_ABSENT_REASON, new CodeType("unknown"));
        }
        bundle.addLink().setRelation("self").setUrl(link(base, path, params, request.offset(), request.count()));
        if (page.hasMore()) {
            bundle.addLink().setRelation("next").setUrl(link(base, path, params, request.offset() + request.count(), request.count()));
        }
        if (request.offset() > 0) {
            bundle.addLink().setRelation("previous")
                    .setUrl(link(base, path, params, Math.max(0, request.offset() - request.count()), request.count()));
        }
        for (StoredResource match : page.items()) {
            entry(bundle, base, match).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        for (StoredResource included : page.includes()) {
            entry(bundle, base, included).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
        }
        return bundle;
    }

    private static Bundle.BundleEntryComponent entry(Bundle bundle, String base, StoredResource stored) {
        return bundle.addEntry()
                .setFullUrl(base + "/" + stored.type() + "/" + stored.id())
                .setResource((Resource) stored.resource());
    }

    private static String link(String base, String path, Map<String, String[]> params, int offset, int count) {
        String query = params.entrySet().stream()
                .filter(e -> !e.getKey().equals("_offset") && !e.getKey().equals("_count"))
                .flatMap(e -> List.of(e.getValue()).stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
        String paging = "_count=" + count + (offset > 0 ? "&_offset=" + offset : "");
        return base + "/" + path + "?" + (query.isEmpty() ? paging : query + "&" + paging);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%7C", "|").replace("%3A", ":").replace("%2C", ",");
    }
}
