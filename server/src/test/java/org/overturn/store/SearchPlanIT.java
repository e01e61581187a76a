package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

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

    private String plan(String query) {
        SqlSearch.Sql sql = SqlSearch.page(store.parseQuery("Observation", query), 51, registry);
        return String.join("\n", jdbc.queryForList("explain (format json) " + sql.text(), String.class, sql.args().toArray()));
    }

    private static void assertDrivenByTheCriteria(String plan, String what) {
        assertThat(plan).as("%s: the type is not walked in last_updated order", what).doesNotContain("\"resource_last_updated\"");
        assertThat(plan).as("%s: the matches are sorted", what).contains("\"Node Type\": \"Sort\"");
        assertThat(plan).as("%s: the matches come from an index table", what).containsPattern("\"Relation Name\": \"idx_");
    }

    @Test
    void searchWhenTablesHaveNoOrStaleStatisticsThenThePlanStartsFromTheCriteriaAndSortsOnlyTheMatches() {
        for (String table : List.of("resource", "resource_version", "idx_token", "idx_date", "idx_reference", "idx_string",
                "idx_quantity", "idx_uri", "idx_token_date")) {
            jdbc.execute("alter table " + table + " set (autovacuum_enabled = false)");
        }
        String codeAndDate = "code=http://loinc.org|" + RARE + "&date=ge2025-01-01&_count=50";
        String patientAndCode = "patient=Patient/plan-7&code=http://loinc.org|" + RARE + "&_count=50";
        String tokenOnly = "code=http://loinc.org|" + RARE + "&_count=50";
        String patientOnly = "patient=Patient/plan-7&_count=50";

        load(2_000, 10, 0, RARE);
        assertDrivenByTheCriteria(plan(codeAndDate), "never analyzed, code and date");
        assertDrivenByTheCriteria(plan(patientAndCode), "never analyzed, patient and code");
        assertDrivenByTheCriteria(plan(tokenOnly), "never analyzed, token only");
        assertDrivenByTheCriteria(plan(patientOnly), "never analyzed, patient only");

        jdbc.execute("analyze");
        load(20_000, 10, 30, RARE);
        // The common code, but only its newest rows in the date range: walking the type in last_updated order would
        // test every older row before reaching them.
        load(0, 10, 600, COMMON);
        String commonRecent = "code=http://loinc.org|" + COMMON + "&date=ge2026-08-01&_count=50";
        assertDrivenByTheCriteria(plan(commonRecent), "statistics 10x stale, a common code in a recent date range");
        assertDrivenByTheCriteria(plan(codeAndDate), "statistics 10x stale, code and date");
        assertDrivenByTheCriteria(plan(patientAndCode), "statistics 10x stale, patient and code");
        assertDrivenByTheCriteria(plan(tokenOnly), "statistics 10x stale, token only");
        assertDrivenByTheCriteria(plan(patientOnly), "statistics 10x stale, patient only");

        // The answer is the same as ever: every match, oldest first.
        Page<StoredResource> page = SystemWork.call("search-plan-it", () -> store.search(store.parseQuery("Observation", codeAndDate)));
        assertThat(page.items()).hasSize(20);
        Page<StoredResource> recent = SystemWork.call("search-plan-it", () -> store.search(store.parseQuery("Observation", commonRecent)));
        assertThat(recent.items()).hasSize(10);
        List<java.time.Instant> times = page.items().stream().map(StoredResource::lastUpdated).toList();
        assertThat(times).isSorted();
    }
}
