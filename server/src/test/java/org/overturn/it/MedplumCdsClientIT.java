package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overturn.fixtures.Scenario;
import org.overturn.fixtures.Scenarios;

/**
 * The CDS Hooks services driven by {@code @medplum/core}, an independent CDS client from npm, so that the wire format
 * is checked by code that is not ours. The chart goes into this server's own /fhir, which plays the EHR: the client
 * resolves the prefetch templates against it, then calls order-sign. The checks are in
 * {@code src/test/node/cds-medplum/check-cds.mjs}; they need Node 20 and npm on the PATH, and fail (never skip)
 * without them.
 */
class MedplumCdsClientIT extends EmbeddedServerTest {
    /** Failsafe runs in the module directory. */
    private static final Path PROJECT = Path.of("src/test/node/cds-medplum");

    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    static Path tmp;

    static NodeProject node;

    static List<Scenario> scenarios() {
        return List.of(Scenarios.ALECTINIB_CA, Scenarios.ZANZALINTINIB_GA);
    }

    @BeforeAll
    static void nodeAndTheClientLibrary() throws IOException {
        node = new NodeProject(PROJECT, tmp).installed("@medplum/core");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void medplumClientWhenItDiscoversPrefetchesAndCallsOrderSignThenEveryCheckPasses(Scenario scenario) throws IOException {
        loadChart(scenario);
        NodeProject.Run check = check(scenario.orderSignNoPrefetchJson(), cdsHooksExpectation(scenario));

        assertThat(check.exitCode()).as("node check-cds.mjs:%n%s", check.output()).isZero();
        assertThat(check.output()).contains("@medplum/core CDS check passed");
    }

    /** The node checks can fail: the alectinib order with the investigational drug's expected answer. */
    @Test
    void medplumCheckWhenTheAnswerDiffersFromTheExpectedOneThenItFailsNamingTheDifference() throws IOException {
        loadChart(Scenarios.ALECTINIB_CA);
        NodeProject.Run check = check(Scenarios.ALECTINIB_CA.orderSignNoPrefetchJson(), cdsHooksExpectation(Scenarios.ZANZALINTINIB_GA));

        assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
        assertThat(check.output()).contains("CDS check FAILED").contains("card indicator 'info', expected 'warning'");
    }

    private void loadChart(Scenario scenario) {
        Response r = post("", scenario.ehrChartJson());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static String cdsHooksExpectation(Scenario scenario) throws IOException {
        return FhirHttp.JSON.readTree(scenario.expectedJson()).path("cdsHooks").toString();
    }

    private NodeProject.Run check(String hookRequest, String expected) throws IOException {
        Path request = Files.writeString(Files.createTempFile(tmp, "request-", ".json"), hookRequest, StandardCharsets.UTF_8);
        Path expect = Files.writeString(Files.createTempFile(tmp, "expect-", ".json"), expected, StandardCharsets.UTF_8);
        String root = "http://127.0.0.1:" + port;
        return node.run(List.of("node", "check-cds.mjs", "--base-url", root, "--request", request.toString(), "--expect", expect.toString()),
                Map.of(), CHECK_TIMEOUT);
    }
}
