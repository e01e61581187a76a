package org.overturn.bench;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.overturn.fixtures.Chart;
import org.overturn.fixtures.Charts;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;

/**
 * The resources the search differential loads into both servers, each with an explicit id so that both answer with
 * the same ids: the synthetic charts and scenarios of test-fixtures (their transaction bundles POST with urn:uuid
 * references, turned here into {@code <bundle>-<type><n>} ids and relative references), the prior authorization
 * Claims of the scenarios, and the hand-made edge cases of {@code search-diff/edge-cases.json}.
 */
final class DifferentialData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DifferentialData() {}

    static List<ObjectNode> resources() {
        List<ObjectNode> out = new ArrayList<>();
        for (Scenario scenario : Scenarios.all()) {
            Map<String, String> ids = new HashMap<>();
            out.addAll(fromBundle(scenario.id(), scenario.bundleJson(), ids));
            String pas = optional(scenario, "pas-request.json");
            if (pas != null) {
                // The PAS bundle repeats the chart (same urn:uuids, already loaded) around the Claim: only the Claim
                // and whatever else the chart lacks are new.
                out.addAll(fromBundle(scenario.id() + "-pas", pas, ids));
            }
        }
        for (Chart chart : Charts.all()) {
            out.addAll(fromBundle(chart.name(), chart.bundleJson(), new HashMap<>()));
        }
        for (JsonNode edge : read(resourceText("search-diff/edge-cases.json"))) {
            out.add((ObjectNode) edge);
        }
        return out;
    }

    /**
     * The resources of a bundle whose fullUrl is not in {@code ids} yet, with ids made from {@code name}; {@code ids}
     * (fullUrl to Type/id) gains them, and every reference to a known fullUrl becomes relative.
     */
    private static List<ObjectNode> fromBundle(String name, String bundleJson, Map<String, String> ids) {
        List<ObjectNode> fresh = new ArrayList<>();
        Map<String, Integer> perType = new HashMap<>();
        for (JsonNode entry : read(bundleJson).path("entry")) {
            String fullUrl = entry.path("fullUrl").asText();
            if (ids.containsKey(fullUrl)) {
                continue;
            }
            ObjectNode resource = (ObjectNode) entry.path("resource").deepCopy();
            String type = resource.path("resourceType").asText();
            int n = perType.merge(type, 1, Integer::sum);
            String id = name + "-" + type.toLowerCase(Locale.ROOT) + n;
            resource.put("id", id);
            ids.put(fullUrl, type + "/" + id);
            fresh.add(resource);
        }
        fresh.forEach(r -> relink(r, ids));
        return fresh;
    }

    private static void relink(JsonNode node, Map<String, String> ids) {
        if (node instanceof ObjectNode object) {
            JsonNode reference = object.get("reference");
            if (reference != null && reference.isTextual() && ids.containsKey(reference.asText())) {
                object.set("reference", TextNode.valueOf(ids.get(reference.asText())));
            }
        }
        node.forEach(child -> relink(child, ids));
    }

    private static @Nullable String optional(Scenario scenario, String file) {
        try {
            return scenario.resource(file);
        } catch (IllegalArgumentException absent) {
            return null;
        }
    }

    static String resourceText(String path) {
        try (InputStream in = DifferentialData.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
