package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.overturn.OverturnApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scale-out: two Overturn instances on one PostgreSQL behind a loopback round-robin, each request going to the next
 * instance, pass the contracts one instance passes; among them conditional writes raced from both (one winner), PAS
 * resubmissions answered once, subscription notifications delivered once whichever instance polls, and requests for a
 * routed payer sent to it once while both instances' outbox pollers run. Runs where
 * ExternalFhirApiIT does (OVERTURN_TEST_JDBC_URL set), in a database of its own on that server.
 */
@EnabledIfEnvironmentVariable(named = ExternalServerTest.ENV, matches = "jdbc:.+")
class TwoInstancesFhirApiIT
        implements CrudContract, StoredJsonContract, SearchContract, TransactionContract, ErrorContract, LetterContract,
                CdsHooksContract, CdsTrustContract, WorkflowContract, PasContract, AppealContract, SubscriptionContract,
                CaseKitContract, WriteIntegrityContract, AbuseLimitsContract, QuestionnairePackageContract, ValidateContract,
                ChartsContract, HistoryContract {
    private static final String DATABASE = "overturn_it_two_instances";
    private static final List<ConfigurableApplicationContext> INSTANCES = new ArrayList<>();
    private static RoundRobinProxy balancer;
    /** A payer Overturn routes PAS requests to (a system it does not own), polled for by both instances' outboxes. */
    private static final com.github.tomakehurst.wiremock.WireMockServer PAYER =
            new com.github.tomakehurst.wiremock.WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration
                    .options().bindAddress("127.0.0.1").dynamicPort());
    private static final String PAYER_ID = "http://overturn.example.org/payer-id|two-instances-test-payer";

    @BeforeAll
    static void startTwoInstancesBehindTheBalancer() throws Exception {
        // A database of its own, not a schema beside ExternalFhirApiIT's: the pg_trgm extension lives in the schema
        // that created it, and a second schema in the same database would not find its operator classes.
        String server = System.getenv(ExternalServerTest.ENV);
        try (Connection c = DriverManager.getConnection(server); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DATABASE + " with (force)");
            s.execute("create database " + DATABASE);
        }
        String url = server.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + DATABASE);
        balancer = new RoundRobinProxy();
        PAYER.start();
        PAYER.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/Claim/$submit")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/fhir+json")
                        .withBody(PasBundles.payerAnswer("A1", "TWO-INSTANCES"))));
        List<String> args = new ArrayList<>();
        ServerTest.SETTINGS.forEach((key, value) -> args.add("--" + key + "=" + value.get()));
        args.addAll(List.of("--server.port=0",
                "--spring.datasource.url=" + url,
                // Behind a balancer every instance names itself by the balancer's URL, as in production.
                "--overturn.fhir.base-url=" + balancer.url() + "/fhir",
                "--overturn.pas.payers[0].identifier=" + PAYER_ID,
                "--overturn.pas.payers[0].endpoint=http://127.0.0.1:" + PAYER.port(),
                "--overturn.pas.payers[0].timeout=5s",
                // both outboxes poll often, so that they race for the same rows
                "--overturn.pas.outbox.poll-interval=100ms"));
        for (int i = 0; i < 2; i++) { // one after the other: the first migrates the schema
            List<String> own = new ArrayList<>(args);
            own.add("--overturn.data-dir=" + Files.createTempDirectory("overturn-two-instances-" + i + "-"));
            ConfigurableApplicationContext instance = new SpringApplicationBuilder(OverturnApplication.class)
                    .run(own.toArray(String[]::new));
            INSTANCES.add(instance);
            balancer.add("http://localhost:" + ((WebServerApplicationContext) instance).getWebServer().getPort());
        }
    }

    @AfterAll
    static void stop() {
        INSTANCES.forEach(ConfigurableApplicationContext::close);
        if (balancer != null) {
            balancer.close();
        }
        PAYER.stop();
    }

    @Override
    public String base() {
        return balancer.url() + "/fhir";
    }

    /** The database both instances share. */
    public DataSource dataSource() {
        return INSTANCES.get(0).getBean(DataSource.class);
    }

    /**
     * The outbox's exactly-once across instances: requests for the routed payer, submitted through the balancer (so to
     * both instances), are each sent to the payer once while both instances' pollers claim due rows at the same time.
     */
    @Test
    void outboxWhenBothInstancesPollThenEveryRoutedRequestReachesThePayerExactlyOnce() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "PA-" + unique();
            ids.add(id);
            Response r = post("Claim/$submit", PasBundles.json(PasBundles.routedRequest(id, PAYER_ID)));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        org.springframework.jdbc.core.JdbcTemplate jdbc = new org.springframework.jdbc.core.JdbcTemplate(dataSource());
        String keys = "request_key in (" + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")";
        Object[] requestKeys = ids.stream().map(id -> PasBundles.REQUEST_SYSTEM + "|" + id).toArray();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (jdbc.queryForObject("select count(*) from pas_outbox where status <> 'delivered' and " + keys,
                Integer.class, requestKeys) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500); // a second send, were there one, would come within a poll or two
        for (String id : ids) {
            assertThat(PAYER.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                            com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/Claim/$submit"))
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(id))))
                    .as(id).hasSize(1);
        }
        assertThat(jdbc.queryForList("select status from pas_outbox where " + keys, String.class, requestKeys))
                .hasSize(ids.size()).containsOnly("delivered");
    }

    /** Guards the suite's meaning: both instances answered requests, so no contract passed on one of them alone. */
    @Test
    void balancerWhenTheContractsRunThenBothInstancesAnswer() {
        for (int i = 0; i < 4; i++) {
            assertThat(get("metadata").status()).isEqualTo(200);
        }
        assertThat(balancer.served(0)).isPositive();
        assertThat(balancer.served(1)).isPositive();
    }
}
