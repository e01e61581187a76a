package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.overturn.platform.SystemWork;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Search plans that hold without fresh statistics: on tables that have never been analyzed, and on tables that grew
 * tenfold since their last ANALYZE (autovacuum off, as a busy table is always some way ahead of its statistics), a
 * selective search in the default order starts from the index tables and sorts only its matches; it never walks the
 * type in last_updated order testing every row. Checks the plan's shape with EXPLAIN, never its time.
 */
@SpringBootTest
class SearchPlanIT {
    private static final String COMMON = "29463-7";
    private static final String RARE = "76042-8";

    @Autowired
    ResourceStore store;

    @Autowired
    SearchParameterRegistry registry;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws java.io.IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-search-plan-it-")::toString);
        registry.add("overturn.workflow.reminders-enabled", () -> "false");
        registry.add("server.port", () -> "0");
    }

    private void load(int common, int rare, int day) {
        load(common, rare, day, COMMON);
    }

    private void load(int common, int rare, int day, String rareCode) {
        SystemWork.run("search-plan-it", () -> store.inTransaction(() -> {
            for (int i = 0; i < common + rare; i++) {
                Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                        .setCode(new CodeableConcept(new Coding("http://loinc.org", i < rare ? rareCode : COMMON, null)))
                        .setSubject(new Reference("Patient/plan-" + (i % 50)));
                o.setEffective(new DateTimeType(Date.from(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86_400L * day + i))));
                store.create(o, null);
            }
            return true;
        }));
    }

    /** The plan's nodes, depth first, as run: EXPLAIN ANALYZE (rows read, never times, are looked at). */
    private List<JsonNode> executed(String query) throws Exception {
        SqlSearch.Sql sql = SqlSearch.page(store.parseQuery("Observation", query), 51, registry);
        String json = String.join("\n", jdbc.queryForList("explain (analyze, format json) " + sql.text(), String.class, sql.args().toArray()));
        List<JsonNode> nodes = new java.util.ArrayList<>();
        collect(new ObjectMapper().readTree(json).get(0).get("Plan"), nodes);
        return nodes;
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        node.path("Plans").forEach(child -> collect(child, into));
    }

    /**
     * The default-order search reads its candidates from the driving criterion's index, probes each against the other
     * criteria one by one (no hashed subplan, no join over another criterion's whole range), never scans a table
     * whole and reads resource rows by key only (those of the page).
     */
    private void assertDrivenByTheCriteria(String query, String drivingIndex, String what) throws Exception {
        List<JsonNode> nodes = executed(query);
        assertThat(nodes).as("%s: the type is not walked in last_updated order", what)
                .noneMatch(n -> n.path("Index Name").asText().equals("resource_last_updated"));
        assertThat(nodes).as("%s: no table is read whole", what).noneMatch(n -> n.path("Node Type").asText().equals("Seq Scan"));
        assertThat(nodes).as("%s: no criterion becomes a hash of its whole range", what)
                .noneMatch(n -> n.path("Subplan Name").asText().contains("hashed"));
        assertThat(nodes).as("%s: candidates come from the driving criterion's index", what)
                .anyMatch(n -> n.path("Index Name").asText().equals(drivingIndex));
        assertThat(nodes).as("%s: resources are read by key", what)
                .filteredOn(n -> n.path("Relation Name").asText().equals("resource"))
                .allMatch(n -> n.path("Index Name").asText().equals("resource_pkey"));
    }

    @Test
    void searchWhenTablesHaveNoOrStaleStatisticsThenThePlanStartsFromTheCriteriaAndStopsWithAFullPage() throws Exception {
        for (String table : List.of("resource", "resource_version", "idx_token", "idx_date", "idx_reference", "idx_string",
                "idx_quantity", "idx_uri", "idx_token_date")) {
            jdbc.execute("alter table " + table + " set (autovacuum_enabled = false)");
        }
        String codeAndDate = "code=http://loinc.org|" + RARE + "&date=ge2025-01-01&_count=50";
        String patientAndCode = "patient=Patient/plan-7&code=http://loinc.org|" + RARE + "&_count=50";
        String tokenOnly = "code=http://loinc.org|" + RARE + "&_count=50";
        String patientOnly = "patient=Patient/plan-7&_count=50";

        load(2_000, 10, 0, RARE);
        assertDrivenByTheCriteria((codeAndDate), "idx_token_code", "never analyzed, code and date");
        assertDrivenByTheCriteria((patientAndCode), "idx_reference_target", "never analyzed, patient and code");
        assertDrivenByTheCriteria((tokenOnly), "idx_token_code", "never analyzed, token only");
        assertDrivenByTheCriteria((patientOnly), "idx_reference_target", "never analyzed, patient only");

        jdbc.execute("analyze");
        load(20_000, 10, 30, RARE);
        load(0, 10, 600, COMMON);
        String commonRecent = "code=http://loinc.org|" + COMMON + "&date=ge2026-08-01&_count=50";
        String commonAll = "code=http://loinc.org|" + COMMON + "&date=ge2020-01-01&_count=50";
        assertDrivenByTheCriteria((commonRecent), "idx_token_code", "statistics 10x stale, a common code in a recent date range");
        assertDrivenByTheCriteria((commonAll), "idx_token_code", "statistics 10x stale, a common code, every date");
        assertDrivenByTheCriteria((codeAndDate), "idx_token_code", "statistics 10x stale, code and date");
        assertDrivenByTheCriteria((patientAndCode), "idx_reference_target", "statistics 10x stale, patient and code");
        assertDrivenByTheCriteria((tokenOnly), "idx_token_code", "statistics 10x stale, token only");
        assertDrivenByTheCriteria((patientOnly), "idx_reference_target", "statistics 10x stale, patient only");

        // 22,010 rows hold the common code and every one is in the date range: a full page is found after 51
        // candidates, so neither the code's index nor the date probes read more (rows counted, never timed).
        List<JsonNode> run = executed(commonAll);
        JsonNode driving = run.stream().filter(n -> "idx_token_code".equals(n.path("Index Name").asText())).findFirst().orElseThrow();
        assertThat(driving.path("Actual Rows").asLong() * driving.path("Actual Loops").asLong()).isEqualTo(51);
        assertThat(run.stream().filter(n -> "resource".equals(n.path("Relation Name").asText()))
                .mapToLong(n -> n.path("Actual Rows").asLong() * n.path("Actual Loops").asLong()).sum()).isEqualTo(51);

        // The answer: every match, in id order (the default order), a page at a time.
        Page<StoredResource> page = SystemWork.call("search-plan-it", () -> store.search(store.parseQuery("Observation", codeAndDate)));
        assertThat(page.items()).hasSize(20);
        assertThat(page.items().stream().map(StoredResource::id).toList()).isSorted().doesNotHaveDuplicates();
        Page<StoredResource> recent = SystemWork.call("search-plan-it", () -> store.search(store.parseQuery("Observation", commonRecent)));
        assertThat(recent.items()).hasSize(10);
        List<String> pages = new java.util.ArrayList<>();
        for (int offset = 0; offset < 10; offset += 4) {
            int at = offset;
            Page<StoredResource> next = SystemWork.call("search-plan-it", () -> store.search(store.parseQuery("Observation",
                    commonRecent.replace("_count=50", "_count=4&_offset=" + at))));
            next.items().forEach(r -> pages.add(r.id()));
        }
        assertThat(pages).containsExactlyElementsOf(recent.items().stream().map(StoredResource::id).toList());
        assertThat(pages).isSorted().doesNotHaveDuplicates();
    }
}
