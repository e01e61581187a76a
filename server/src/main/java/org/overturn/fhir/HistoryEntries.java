package org.overturn.fhir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Resource;
import org.overturn.store.HistoryEntry;
import org.overturn.store.Page;
import org.overturn.store.StoredResource;

/**
 * The {@code request} and {@code response} of each entry of a history Bundle, as R4 asks (bdl-3, http.html#history),
 * the same whether HAPI built the Bundle ({@link HistoryBundleInterceptor}) or a batch entry did ({@link BundleProcessor}).
 */
final class HistoryEntries {
    private HistoryEntries() {}

    /**
     * What wrote the version, read from the version itself: version 1 is the create (POST {@code [type]}, 201), a
     * deletion is DELETE {@code [type]/[id]} (204), and every other version is an update, PUT {@code [type]/[id]} (200),
     * including a resource created again by PUT after its deletion, which continues the version sequence. A resource
     * created by PUT with its own id is still version 1, and so listed as its create.
     */
    static BundleEntryComponent describe(BundleEntryComponent entry, StoredResource version) {
        HTTPVerb method = version.deleted() ? HTTPVerb.DELETE : version.version() == 1 ? HTTPVerb.POST : HTTPVerb.PUT;
        entry.getRequest().setMethod(method).setUrl(method == HTTPVerb.POST ? version.type() : version.type() + "/" + version.id());
        entry.getResponse()
                .setStatus(switch (method) {
                    case POST -> "201 Created";
                    case DELETE -> "204 No Content";
                    default -> "200 OK";
                })
                .setEtag("W/\"" + version.version() + "\"")
                .setLastModified(Date.from(version.lastUpdated()));
        return entry;
    }

    /**
     * A history Bundle of one page, as HAPI writes one for {@code GET [path]}: for a history asked for inside a batch.
     *
     * @param path "Type/id/_history", "Type/_history" or "_history", which the links repeat (without base)
     * @param query the other parameters of the request (such as {@code _since}), repeated in the links
     */
    static Bundle bundle(String base, String path, Map<String, List<String>> query, Page<HistoryEntry> page, int count,
            int offset, Instant now) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY);
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(Date.from(now));
        if (page.total() != null) {
            bundle.setTotal(page.total());
        }
        Map<String, Integer> links = new LinkedHashMap<>();
        links.put("self", offset);
        if (page.hasMore() && count > 0) {
            links.put("next", offset + count);
        }
        if (offset > 0) {
            links.put("previous", Math.max(0, offset - count));
        }
        links.forEach((relation, at) -> bundle.addLink().setRelation(relation).setUrl(link(base, path, query, count, at)));
        for (HistoryEntry entry : page.items()) {
            StoredResource version = entry.stored();
            describe(bundle.addEntry()
                    .setFullUrl(base + "/" + version.type() + "/" + version.id())
                    .setResource((Resource) version.resource()), version);
        }
        return bundle;
    }

    private static String link(String base, String path, Map<String, List<String>> query, int count, int offset) {
        StringBuilder url = new StringBuilder(base).append('/').append(path).append('?');
        query.forEach((name, values) -> {
            if (!name.equals("_count") && !name.equals("_offset")) {
                values.forEach(v -> url.append(encode(name)).append('=').append(encode(v)).append('&'));
            }
        });
        return url.append("_count=").append(count).append(offset > 0 ? "&_offset=" + offset : "").toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%3A", ":");
    }
}
