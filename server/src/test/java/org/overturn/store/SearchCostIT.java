package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.overturn.it.CrudContract;
import org.overturn.it.FhirHttp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What one search may cost: a time budget well inside the statement timeout, a bounded count for {@code _total},
 * and substring searches served by an index rather than by reading every row. Runs with small limits so that
 * they are reached with little data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SearchCostIT implements FhirHttp {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    ResourceStore store;

    @Autowired
    SearchParameterRegistry registry;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws java.io.IOException {
        registry.add("overturn.data-dir", java.nio.file.Files.createTempDirectory("overturn-search-cost-it-")::toString);
        registry.add("overturn.store.search-budget", () -> "1s");
        registry.add("overturn.store.max-total", () -> "5");
        // Above the search budget: a search waiting on the blocker below is cut by the budget, not by the lock timeout,
        // which bounds reads' lock waits too since it is set on the connection.
        registry.add("overturn.store.lock-timeout", () -> "3s");
        registry.add("overturn.workflow.reminders-enabled", () -> "false");
        registry.add("logging.level.org.overturn.access", () -> "WARN");
    }

    @Override
    public String base() {
        return "http://localhost:" + port + "/fhir";
    }

    @Test
    void searchWhenItOutrunsTheBudgetThenCancelledWith400TooCostlyWhileTheBlockerStillHolds() throws Exception {
        create("Patient", CrudContract.patient("Budget", unique()));
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                // Reads of the table wait behind this lock for as long as it is held: a search that never ends.
                s.execute("lock table resource, resource_version in access exclusive mode");
                for (String path : new String[] {"Patient?family=Budget", "Patient?family=Budget&_format=json",
                        "Patient/_history"}) {
                    CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(
                            HttpRequest.newBuilder(URI.create(base() + "/" + path)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    // Answered while the lock is still held: the budget, not the lock's end, stopped the search.
                    HttpResponse<String> r = answer.get(15, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).as(path).isEqualTo(400);
                    assertThat(r.body()).as(path).contains("OVT-400-SEARCH-COST").contains("too-costly").contains("1 s");
                }
            }
            blocker.rollback();
        }
        assertThat(get("Patient?family=Budget").status()).isEqualTo(200);
    }

    @Test
    void connectionWhenTakenFromThePoolThenItsLockWaitsAreBoundedAndTheConfiguredSessionSettingsKept() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String[] setting : new String[][] {{"lock_timeout", "3s"}, {"statement_timeout", "30s"},
                    {"plan_cache_mode", "force_custom_plan"}, {"jit", "off"}}) {
                try (var rs = s.executeQuery("show " + setting[0])) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as(setting[0]).isEqualTo(setting[1]);
                }
            }
        }
    }

    @Test
    void transactionWhenALaterEntryWaitsOnALockThenTheLockTimeoutStillBoundsIt() throws Exception {
        // The lock timeout is set on each pooled connection (not by each write): it bounds the second entry's wait too.
        String held = create("Patient", CrudContract.patient("Held", unique()));
        String first = "First" + unique().replace("-", "");
        String update = CrudContract.patient("Held", unique())
                .replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"" + held + "\",");
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"resource\":" + CrudContract.patient(first, unique()) + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
                + "{\"resource\":" + update + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/" + held + "\"}}]}";
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("select 1 from resource where res_type = 'Patient' and res_id = '" + held + "' for update");
                CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base()))
                                .header("Content-Type", "application/fhir+json")
                                .POST(HttpRequest.BodyPublishers.ofString(bundle)).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> r = answer.get(15, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                assertThat(r.body()).contains("OVT-409");
            }
            blocker.rollback();
        }
        assertThat(get("Patient?family=" + first).json().path("entry").size())
                .as("nothing of the refused transaction stored").isZero();
    }

    @Test
    void totalWhenAccurateAndAboveTheCapThenLeftOutButThePageIsRight() {
        String family = "Total" + unique().replace("-", "");
        for (int i = 0; i < 7; i++) {
            create("Patient", CrudContract.patient(family, unique()));
        }
        Response many = get("Patient?family=" + family + "&_total=accurate&_count=3");
        assertThat(many.status()).isEqualTo(200);
        assertThat(many.json().has("total")).as("more matches than overturn.store.max-total: no total").isFalse();
        assertThat(many.json().path("entry").size()).isEqualTo(3);
        assertThat(many.json().path("link").findValuesAsText("relation")).contains("next");

        String few = "Few" + unique().replace("-", "");
        for (int i = 0; i < 4; i++) {
            create("Patient", CrudContract.patient(few, unique()));
        }
        assertThat(get("Patient?family=" + few + "&_total=accurate&_count=1").json().path("total").asInt()).isEqualTo(4);
    }

    @Test
    void substringSearchWhenPlannedThenServedByTheTrigramIndexes() {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        for (String query : List.of("family:contains=ngst", "name:contains=ngst")) {
            assertThat(plan(jdbc, "Patient", query)).as(query).contains("idx_string_trigram");
        }
        assertThat(plan(jdbc, "Observation", "code:text=glucose")).contains("idx_token_text_trigram");
    }

    /**
     * The plan of a search's page query over 100,000 Patients with fresh, never analysed rows (as after a bulk load),
     * all rolled back afterwards.
     */
    private String plan(JdbcTemplate jdbc, String type, String query) {
        SqlSearch.Sql sql = SqlSearch.page(store.parseQuery(type, query), 20, registry);
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource)).execute(status -> {
            status.setRollbackOnly();
            jdbc.update("insert into resource (res_type, res_id, version, last_updated, content)"
                    + " select 'Patient', 'bulk-' || g, 1, now(), '{}' from generate_series(1, 100000) g");
            jdbc.update("insert into idx_string (res_type, res_id, param, value_norm, value_exact)"
                    + " select 'Patient', 'bulk-' || g, p, 'f' || g, 'F' || g"
                    + " from generate_series(1, 100000) g, unnest(array['family', 'name']) p");
            jdbc.update("insert into idx_token (res_type, res_id, param, code, text_norm)"
                    + " select 'Observation', 'bulk-' || g, 'code', 'c' || g % 50, 't' || g"
                    + " from generate_series(1, 100000) g");
            String plan = String.join("\n", jdbc.queryForList("explain " + sql.text(), String.class, sql.args().toArray()));
            return plan;
        });
    }
}
