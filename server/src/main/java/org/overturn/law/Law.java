package org.overturn.law;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The law a case is held to, as loaded from the law files of the knowledge root (see knowledge/README.md): the
 * clocks of each rule set (jurisdictions.yaml), which rule sets govern each regime (regimes.yaml), and what appeals,
 * external reviews and access letters rest on (rebuttals.yaml, external-review.yaml, access-letters.yaml). Immutable;
 * validated by {@link LawLoader} before anyone sees it.
 *
 * @param jurisdictionFile jurisdictions.yaml as written, for the facts beside the clocks (see {@link #jurisdiction})
 * @param fileVersions the version of each of these files, which documents cite beside the coverage knowledge's
 */
public record Law(
        JsonNode jurisdictionFile,
        JurisdictionRules jurisdictions,
        RegimeRules regimes,
        AppealRules appeals,
        Map<String, Integer> fileVersions) {

    public Law {
        fileVersions = Map.copyOf(fileVersions);
    }

    /**
     * The appeal, PA and external-review rules of a jurisdiction ("CA-DMHC", "GA-OCI", ...) or a federal rule set
     * ("ERISA-2560.503-1") as written, for the facts beside the clocks (regulator contacts, eligibility); the clocks
     * themselves, typed and checked, are in {@link #jurisdictions()}.
     */
    public Optional<JsonNode> jurisdiction(String id) {
        for (String list : List.of("jurisdictions", "federal")) {
            for (JsonNode j : jurisdictionFile.path(list)) {
                if (j.path("id").asText().equals(id)) {
                    return Optional.of(j);
                }
            }
        }
        return Optional.empty();
    }

    /** The version of one of the law files, 0 when it is not one of them. */
    public int fileVersion(String file) {
        return fileVersions.getOrDefault(file, 0);
    }
}
