package org.overturn.trials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.overturn.platform.BoundedExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Searches ClinicalTrials.gov through its API v2 ({@code GET /studies}): studies whose interventions match the drug's
 * names, in an open status, with only the fields a letter uses. One request, bounded in time as a whole (body
 * included, {@link BoundedExchange}) and in size; anything but a
 * 200 with the v2 JSON shape is reported as {@link TrialSearch.Unavailable}.
 *
 * @see <a href="https://clinicaltrials.gov/data-api/api">ClinicalTrials.gov API v2</a>
 */
final class ClinicalTrialsGovRegistry implements TrialRegistry {
    private static final Logger log = LoggerFactory.getLogger(ClinicalTrialsGovRegistry.class);
    /** Piece and area names of the v2 data model: identification, status, design, sponsor, conditions, sites and contacts. */
    static final String FIELDS = "NCTId,BriefTitle,OverallStatus,StudyType,Phase,LeadSponsorName,Condition,ContactsLocationsModule";

    private final TrialsProperties properties;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http;

    ClinicalTrialsGovRegistry(TrialsProperties properties, ObjectMapper json, Clock clock) {
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public TrialSearch search(TrialQuery query) {
        URI uri = uri(query);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "application/json").GET();
        try {
            // The whole answer within the timeout: a registry that sends headers and never ends its body is a timeout too.
            long max = properties.maxResponseSize().toBytes();
            BoundedExchange.Answer response = BoundedExchange.send(http, request, properties.timeout(), max);
            if (response.body().length > max) {
                return unavailable(query, "its answer is larger than " + properties.maxResponseSize());
            }
            if (response.status() != 200) {
                return unavailable(query, "it answered HTTP " + response.status());
            }
            return parse(query, json.readTree(response.body()));
        } catch (HttpTimeoutException e) {
            return unavailable(query, "it did not answer within " + properties.timeout().toMillis() + " ms");
        } catch (IOException e) {
            return unavailable(query, e instanceof com.fasterxml.jackson.core.JsonProcessingException
                    ? "its answer was not JSON" : "it could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(query, "the search was interrupted");
        }
    }

    URI uri(TrialQuery query) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query.intr", query.interventionExpression());
        if (query.condition() != null && !query.condition().isBlank()) {
            params.put("query.cond", query.condition());
        }
        params.put("filter.overallStatus", String.join(",", TrialQuery.OPEN_STATUSES));
        params.put("fields", FIELDS);
        params.put("pageSize", String.valueOf(properties.maxResults()));
        params.put("countTotal", "true");
        params.put("format", "json");
        String base = properties.baseUrl().toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return URI.create(base + "/studies?" + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private TrialSearch parse(TrialQuery query, JsonNode root) {
        if (!root.isObject() || !root.path("studies").isArray()) {
            return unavailable(query, "its answer was not a ClinicalTrials.gov API v2 study list");
        }
        List<Trial> trials = new ArrayList<>();
        for (JsonNode study : root.path("studies")) {
            JsonNode protocol = study.path("protocolSection");
            String nctId = text(protocol.path("identificationModule"), "nctId");
            if (nctId == null || !nctId.matches("NCT\\d{8}")) {
                continue; // a record without a usable identifier cannot be cited
            }
            if (trials.size() == properties.maxResults()) {
                break;
            }
            String title = text(protocol.path("identificationModule"), "briefTitle");
            String status = text(protocol.path("statusModule"), "overallStatus");
            JsonNode sites = protocol.path("contactsLocationsModule");
            List<Trial.Contact> contacts = new ArrayList<>();
            for (JsonNode c : sites.path("centralContacts")) {
                contacts.add(new Trial.Contact(text(c, "name"), text(c, "phone"), text(c, "email")));
            }
            List<Trial.Location> locations = new ArrayList<>();
            for (JsonNode l : sites.path("locations")) {
                if (locations.size() < Trial.MAX_LOCATIONS) {
                    locations.add(new Trial.Location(text(l, "facility"), text(l, "city"), text(l, "state"), text(l, "country"),
                            text(l, "status")));
                }
            }
            trials.add(new Trial(nctId, title == null ? "(no title given)" : title, status == null ? "UNKNOWN" : status,
                    text(protocol.path("designModule"), "studyType"), strings(protocol.path("designModule").path("phases")),
                    text(protocol.path("sponsorCollaboratorsModule").path("leadSponsor"), "name"),
                    strings(protocol.path("conditionsModule").path("conditions")), contacts, locations, sites.path("locations").size()));
        }
        int total = root.path("totalCount").canConvertToInt() ? root.path("totalCount").asInt() : trials.size();
        return new TrialSearch.Found(query, trials, Math.max(total, trials.size()), clock.instant());
    }

    private TrialSearch unavailable(TrialQuery query, String reason) {
        log.warn("ClinicalTrials.gov search for '{}' failed: {}", query.interventionExpression(), reason);
        return new TrialSearch.Unavailable(query, "ClinicalTrials.gov: " + reason, clock.instant());
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> {
            if (v.isTextual()) {
                out.add(v.asText());
            }
        });
        return out;
    }
}
