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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js project under {@code src/test/node} that an integration test drives (an npm client, a browser test):
 * checks Node and npm are there, installs the locked dependencies when they are missing or stale, runs commands.
 * Without Node or npm the test fails, saying how to install them; it never skips.
 */
final class NodeProject {
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

    record Run(int exitCode, String output) {}

    private final Path dir;
    private final Path logs;

    /**
     * @param dir the project, relative to the module (failsafe runs there)
     * @param logs where command output goes (a file per run, so that a chatty child never blocks on a pipe)
     */
    NodeProject(Path dir, Path logs) {
        this.dir = dir;
        this.logs = logs;
    }

    /** Node 18 or newer and the project's pinned {@code dependency} installed, by {@code npm ci} when needed. */
    NodeProject installed(String dependency) throws IOException {
        Run version;
        try {
            version = run(List.of("node", "--version"), Map.of(), Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new AssertionError("Node.js is not on the PATH. This test needs Node 20 and npm: install them"
                    + " (Debian: apt-get install nodejs npm; .ci/run does this in CI).", e);
        }
        String v = version.output().trim();
        int major = v.matches("v\\d+\\..*") ? Integer.parseInt(v.substring(1, v.indexOf('.'))) : 0;
        // 18 is Debian 12's packaged nodejs, which .ci/run installs on a fresh machine.
        assertThat(major).as("node --version said '%s'; this test needs Node 20 (or Debian 12's nodejs 18) and npm", v)
                .isGreaterThanOrEqualTo(18);

        JsonNode manifest = FhirHttp.JSON.readTree(dir.resolve("package.json").toFile());
        String pinned = manifest.path("dependencies").path(dependency).asText();
        Path installed = dir.resolve("node_modules").resolve(dependency).resolve("package.json");
        boolean current = Files.exists(installed)
                && FhirHttp.JSON.readTree(installed.toFile()).path("version").asText().equals(pinned);
        if (!current) {
            // The lock file pins the exact tree; --prefer-offline reuses npm's cache when it has the package.
            Run ci;
            try {
                ci = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), Map.of(), NPM_TIMEOUT);
            } catch (IOException e) {
                throw new AssertionError("npm is not on the PATH. This test needs Node 20 and npm: install them"
                        + " (Debian: apt-get install nodejs npm; .ci/run does this in CI).", e);
            }
            assertThat(ci.exitCode()).as("npm ci in %s failed:%n%s", dir, ci.output()).isZero();
        }
        return this;
    }

    /** Runs a command in the project with extra environment variables; killed, and the test failed, past the timeout. */
    Run run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
        Files.createDirectories(logs);
        Path log = Files.createTempFile(logs, "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
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
