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
 * resubmissions answered once, and subscription notifications delivered once whichever instance polls. Runs where
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
        List<String> args = new ArrayList<>();
        ServerTest.SETTINGS.forEach((key, value) -> args.add("--" + key + "=" + value.get()));
        args.addAll(List.of("--server.port=0",
                "--spring.datasource.url=" + url,
                // Behind a balancer every instance names itself by the balancer's URL, as in production.
                "--overturn.fhir.base-url=" + balancer.url() + "/fhir"));
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
    }

    @Override
    public String base() {
        return balancer.url() + "/fhir";
    }

    /** The database both instances share. */
    public DataSource dataSource() {
        return INSTANCES.get(0).getBean(DataSource.class);
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
