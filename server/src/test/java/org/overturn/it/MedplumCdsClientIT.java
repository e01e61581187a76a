package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    static Path tmp;

    record Run(int exitCode, String output) {}

    static List<Scenario> scenarios() {
        return List.of(Scenarios.ALECTINIB_CA, Scenarios.ZANZALINTINIB_GA);
    }

    @BeforeAll
    static void nodeAndTheClientLibrary() throws IOException {
        Run version;
        try {
            version = run(List.of("node", "--version"), Path.of("."), Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new AssertionError("Node.js is not on the PATH. This test needs Node 20 and npm: install them"
                    + " (Debian: apt-get install nodejs npm; .ci/run does this in CI).", e);
        }
        String v = version.output().trim();
        int major = v.matches("v\\d+\\..*") ? Integer.parseInt(v.substring(1, v.indexOf('.'))) : 0;
        // 18 is Debian 12's packaged nodejs, which .ci/run installs on a fresh machine; the check runs on it too.
        assertThat(major).as("node --version said '%s'; this test needs Node 20 (or Debian 12's nodejs 18) and npm", v)
                .isGreaterThanOrEqualTo(18);

        JsonNode manifest = FhirHttp.JSON.readTree(PROJECT.resolve("package.json").toFile());
        String pinned = manifest.path("dependencies").path("@medplum/core").asText();
        Path installed = PROJECT.resolve("node_modules/@medplum/core/package.json");
        boolean current = Files.exists(installed)
                && FhirHttp.JSON.readTree(installed.toFile()).path("version").asText().equals(pinned);
        if (!current) {
            // The lock file pins the exact tree; --prefer-offline reuses npm's cache when it has the package.
            Run ci;
            try {
                ci = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), PROJECT, NPM_TIMEOUT);
            } catch (IOException e) {
                throw new AssertionError("npm is not on the PATH. This test needs Node 20 and npm: install them"
                        + " (Debian: apt-get install nodejs npm; .ci/run does this in CI).", e);
            }
            assertThat(ci.exitCode()).as("npm ci in %s failed:%n%s", PROJECT, ci.output()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void medplumClientWhenItDiscoversPrefetchesAndCallsOrderSignThenEveryCheckPasses(Scenario scenario) throws IOException {
        loadChart(scenario);
        Run check = check(scenario.orderSignNoPrefetchJson(), cdsHooksExpectation(scenario));

        assertThat(check.exitCode()).as("node check-cds.mjs:%n%s", check.output()).isZero();
        assertThat(check.output()).contains("@medplum/core CDS check passed");
    }

    /** The node checks can fail: the alectinib order with the investigational drug's expected answer. */
    @Test
    void medplumCheckWhenTheAnswerDiffersFromTheExpectedOneThenItFailsNamingTheDifference() throws IOException {
        loadChart(Scenarios.ALECTINIB_CA);
        Run check = check(Scenarios.ALECTINIB_CA.orderSignNoPrefetchJson(), cdsHooksExpectation(Scenarios.ZANZALINTINIB_GA));

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

    private Run check(String hookRequest, String expected) throws IOException {
        Path request = Files.writeString(Files.createTempFile(tmp, "request-", ".json"), hookRequest, StandardCharsets.UTF_8);
        Path expect = Files.writeString(Files.createTempFile(tmp, "expect-", ".json"), expected, StandardCharsets.UTF_8);
        String root = "http://127.0.0.1:" + port;
        return run(List.of("node", "check-cds.mjs", "--base-url", root, "--request", request.toString(), "--expect", expect.toString()),
                PROJECT, CHECK_TIMEOUT);
    }

    /** Runs a command, its output (stdout and stderr) going to a file so that a chatty child never blocks on a pipe. */
    private static Run run(List<String> command, Path dir, Duration timeout) throws IOException {
        Path log = Files.createTempFile(tmp, "run-", ".log");
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("%s did not finish within %s and was killed; output:%n%s", command, timeout,
                        Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
