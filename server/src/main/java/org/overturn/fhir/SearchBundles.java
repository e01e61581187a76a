package org.overturn.fhir;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.store.Page;
import org.overturn.store.SearchRequest;
import org.overturn.store.StoredJson;
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
     * @param now when the Bundle is made (its meta.lastUpdated)
     */
    static Bundle searchSet(String base, String path, Map<String, String[]> params, SearchRequest request, Page<StoredResource> page,
            Instant now) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(Date.from(now));
        if (page.total() != null) {
            bundle.setTotal(page.total());
        } else {
            // Unknown without a count (_total=accurate asks for one). Left empty, HAPI would fill in the page size,
            // which is wrong: total counts every match. An absent-reason marks it unknown instead.
            bundle.getTotalElement().addExtension(DATA_ABSENT_REASON, new CodeType("unknown"));
        }
        links(base, path, params, request, page.hasMore()).forEach((relation, url) -> bundle.addLink().setRelation(relation).setUrl(url));
        for (StoredResource match : page.items()) {
            entry(bundle, base, match).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        for (StoredResource included : page.includes()) {
            entry(bundle, base, included).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
        }
        return bundle;
    }

    /**
     * The same searchset Bundle, written as JSON around the matches' stored JSON (no _include): what HAPI would
     * encode from {@link #searchSet}, element for element, without parsing each match into a resource.
     */
    static void writeJson(JsonGenerator json, String base, String path, Map<String, String[]> params, SearchRequest request,
            Page<StoredJson> page, Instant now) throws IOException {
        json.writeStartObject();
        json.writeStringField("resourceType", "Bundle");
        json.writeStringField("id", UUID.randomUUID().toString());
        json.writeObjectFieldStart("meta");
        json.writeStringField("lastUpdated", new InstantType(Date.from(now)).getValueAsString());
        json.writeEndObject();
        json.writeStringField("type", "searchset");
        if (page.total() != null) {
            json.writeNumberField("total", page.total());
        } else {
            json.writeObjectFieldStart("_total");
            json.writeArrayFieldStart("extension");
            json.writeStartObject();
            json.writeStringField("url", DATA_ABSENT_REASON);
            json.writeStringField("valueCode", "unknown");
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeArrayFieldStart("link");
        for (Map.Entry<String, String> link : links(base, path, params, request, page.hasMore()).entrySet()) {
            json.writeStartObject();
            json.writeStringField("relation", link.getKey());
            json.writeStringField("url", link.getValue());
            json.writeEndObject();
        }
        json.writeEndArray();
        if (!page.items().isEmpty()) {
            json.writeArrayFieldStart("entry");
            for (StoredJson match : page.items()) {
                json.writeStartObject();
                json.writeStringField("fullUrl", base + "/" + match.type() + "/" + match.id());
                json.writeFieldName("resource");
                json.writeRawValue(match.content());
                json.writeObjectFieldStart("search");
                json.writeStringField("mode", "match");
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** self, next and previous, in that order; paging repeats the query with another {@code _offset}. */
    private static Map<String, String> links(String base, String path, Map<String, String[]> params, SearchRequest request, boolean more) {
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", link(base, path, params, request.offset(), request.count()));
        // _count=0 asks for the total alone: its next page would be this same empty page again, without end.
        if (more && request.count() > 0) {
            links.put("next", link(base, path, params, request.offset() + request.count(), request.count()));
        }
        if (request.offset() > 0) {
            links.put("previous", link(base, path, params, Math.max(0, request.offset() - request.count()), request.count()));
        }
        return links;
    }

    private static Bundle.BundleEntryComponent entry(Bundle bundle, String base, StoredResource stored) {
        return bundle.addEntry()
                .setFullUrl(base + "/" + stored.type() + "/" + stored.id())
                .setResource((Resource) stored.resource());
    }

    private static String link(String base, String path, Map<String, String[]> params, int offset, int count) {
        // Parameters by name: the same link whichever order the request (or HAPI's copy of it) holds them in.
        String query = new java.util.TreeMap<>(params).entrySet().stream()
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
