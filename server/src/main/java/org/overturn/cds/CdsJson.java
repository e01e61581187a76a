package org.overturn.cds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** CDS Hooks 2.0 wire records, named as the specification names them. CDS Hooks JSON is not FHIR. */
final class CdsJson {
    private CdsJson() {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Service(String hook, String title, String description, String id, Map<String, String> prefetch) {}

    record Discovery(List<Service> services) {}

    /** An incoming hook call; {@code prefetch} values are FHIR resources or Bundles (or null when not resolvable). */
    record Request(
            @Nullable String hook,
            @Nullable String hookInstance,
            @Nullable String fhirServer,
            @Nullable JsonNode fhirAuthorization,
            @Nullable JsonNode context,
            @Nullable Map<String, JsonNode> prefetch) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Source(String label, @Nullable String url, @Nullable Coding topic) {}

    record Coding(String system, String code, String display) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Link(String label, String url, String type, @Nullable String appContext) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Card(String uuid, String summary, @Nullable String detail, String indicator, Source source, List<Link> links) {
        Card {
            if (summary.length() >= 140) {
                throw new IllegalArgumentException("card summary must be under 140 characters: " + summary);
            }
            links = List.copyOf(links);
        }
    }

    /** A system action; {@code resource} is the FHIR resource as JSON. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Action(String type, String description, JsonNode resource) {}

    /** Both arrays are always sent, empty when there is nothing to say (CDS Hooks 2.0 requires cards). */
    record Response(List<Card> cards, List<Action> systemActions) {}

    record Error(String error, String message) {}
}
