package org.overturn.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side rows measured in interleaved rounds: the HAPI JPA baseline and Overturn run at the same time on the
 * bench's PostgreSQL, and each round measures one system and then the other (the order alternating), so that what
 * else the shared machine does drifts into both figures of a round alike. Each row reports the medians over the
 * rounds and the spread of the per-round ratios. A single pass measures each system minutes apart, and on this
 * machine a row moves by up to a fifth between passes: a ratio near a target is settled only this way.
 *
 * <pre>java -Dloader.main=org.overturn.bench.BenchRunner -jar bench/target/overturn-bench.jar --root . --rounds 5 \
 *     --scenarios create,create-1-client,update,update-1-client</pre>
 */
final class Interleaved {
    private Interleaved() {}

    /** One row: a scenario at a number of clients, measured once per round for each system. */
    record Row(String name, String scenario, int clients, List<LoadDriver.Result> hapi, List<LoadDriver.Result> overturn) {}

    static List<Row> run(Path root, List<BenchRunner.SystemDef> systems, int rounds, int requests) throws Exception {
        BenchRunner.SystemDef hapiDef = system(systems, BenchRunner.HAPI);
        BenchRunner.SystemDef ourDef = system(systems, BenchRunner.EXTERNAL);
        Path logs = Files.createTempDirectory("overturn-bench-interleaved-");
        List<Row> rows = new ArrayList<>();
        try (ServerProcess hapi = ServerProcess.start(hapiDef.command(), hapiDef.env(), hapiDef.port(), logs.resolve("hapi.log"), "");
                ServerProcess ours = ServerProcess.start(ourDef.command(), ourDef.env(), ourDef.port(), logs.resolve("overturn.log"), "")) {
            String token = BenchRunner.tokenFor(ourDef);
            for (String name : BenchRunner.sideBySideRows()) {
                if (!BenchRunner.selected(name)) {
                    continue;
                }
                boolean one = name.endsWith(BenchRunner.ONE_CLIENT);
                String scenario = one ? name.substring(0, name.length() - BenchRunner.ONE_CLIENT.length()) : name;
                int clients = one ? 1 : 8;
                int n = one ? requests / 2 : requests;
                int warmup = one ? 50 : Math.max(50, requests / 4);
                Row row = new Row(name, scenario, clients, new ArrayList<>(), new ArrayList<>());
                for (int round = 0; round < rounds; round++) {
                    boolean hapiFirst = round % 2 == 0;
                    for (int i = 0; i < 2; i++) {
                        boolean measureHapi = hapiFirst == (i == 0);
                        ServerProcess server = measureHapi ? hapi : ours;
                        LoadDriver.useToken(measureHapi ? null : token);
                        LoadDriver.Result r = BenchRunner.measured(server, new LoadDriver.Options(server.base(), scenario, clients, n, warmup));
                        (measureHapi ? row.hapi() : row.overturn()).add(r);
                        System.err.printf(Locale.ROOT, "  %s round %d/%d %s: %.1f req/s, p99 %.2f ms%n", name, round + 1, rounds,
                                measureHapi ? "hapi-jpa" : "overturn", r.throughput(), r.p99());
                    }
                }
                rows.add(row);
            }
        } finally {
            LoadDriver.useToken(null);
        }
        write(root, rows, rounds, requests);
        return rows;
    }

    private static BenchRunner.SystemDef system(List<BenchRunner.SystemDef> systems, String name) {
        return systems.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new IllegalStateException(
                "interleaved rounds need the " + name + " system: PostgreSQL on loopback and the baseline built (bench/run.sh)"));
    }

    private static void write(Path root, List<Row> rows, int rounds, int requests) throws java.io.IOException {
        StringBuilder md = new StringBuilder("# Side by side in interleaved rounds\n\n");
        md.append(String.format(Locale.ROOT, "Run of %s on %d cores: the HAPI JPA server 8.8.0 and Overturn (PostgreSQL on loopback, the bench's "
                + "own cluster, autovacuum on, no ANALYZE by hand) running at the same time, %d rounds per row, each round one "
                + "measurement of each system (%s, after a warm-up), the order alternating. %s "
                + "Reproduce with `java -Dloader.main=org.overturn.bench.BenchRunner -jar bench/target/overturn-bench.jar --root . "
                + "--rounds %d%s%s%s`.\n\n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), rounds,
                "wrk".equals(BenchRunner.client) ? BenchRunner.seconds + " s of requests sent by wrk"
                        : requests + " requests at 8 clients, " + requests / 2 + " at 1, sent by the JDK's HTTP client",
                BenchRunner.issuer != null ? "Overturn checks a signed token on every request, with its access checks and audit trail on."
                        : "Overturn in development mode (no tokens).",
                rounds, "wrk".equals(BenchRunner.client) ? " --seconds " + BenchRunner.seconds : " --client jdk --requests " + requests,
                BenchRunner.onlyScenarios.isEmpty() ? "" : " --scenarios " + String.join(",", BenchRunner.onlyScenarios),
                BenchRunner.security ? "" : " --security off"));
        md.append("| scenario | clients | HAPI JPA req/s (median, min-max) | Overturn req/s (median, min-max) | ratio of medians | "
                + "per-round ratios (min-max) | p99 ms HAPI JPA / Overturn (medians) | p99 ratio | 2x and p99 no worse | "
                + "GC pauses HAPI JPA / Overturn (all rounds: count, longest ms) | "
                + "Overturn's pool waits (all rounds: connections taken, mean µs, total ms) |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        rows.forEach(row -> md.append(line(row)));
        Path dir = root.resolve("bench/results/selected");
        Files.createDirectories(dir);
        Path out = dir.resolve(LocalDate.now() + "-interleaved.md");
        Files.writeString(out, md.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", BenchRunner.machine());
        json.put("rounds", rounds);
        json.put("rows", rows);
        BenchRunner.json().writeValue(dir.resolve(LocalDate.now() + "-interleaved.json").toFile(), json);
        System.err.println("wrote " + root.toAbsolutePath().relativize(out.toAbsolutePath()));
        System.out.print(md);
    }

    /**
     * A row of the table: the medians of both systems, the ratio of the medians and the spread of the per-round ratios,
     * the median p99s, and whether the row meets the target (2x HAPI JPA's throughput, a p99 no worse).
     */
    static String line(Row row) {
        double hapi = median(row.hapi(), LoadDriver.Result::throughput);
        double ours = median(row.overturn(), LoadDriver.Result::throughput);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(row.hapi().size(), row.overturn().size()); i++) {
            ratios.add(row.overturn().get(i).throughput() / row.hapi().get(i).throughput());
        }
        double hapiP99 = median(row.hapi(), LoadDriver.Result::p99);
        double ourP99 = median(row.overturn(), LoadDriver.Result::p99);
        return String.format(Locale.ROOT, "| %s | %d | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.2fx | %.2f-%.2f | %.2f / %.2f | %.2fx | %s | %s / %s | %s |\n",
                row.scenario(), row.clients(), hapi, min(row.hapi()), max(row.hapi()), ours, min(row.overturn()), max(row.overturn()),
                ours / hapi, ratios.stream().min(Comparator.naturalOrder()).orElse(0.0),
                ratios.stream().max(Comparator.naturalOrder()).orElse(0.0), hapiP99, ourP99, ourP99 / hapiP99,
                ours >= 2 * hapi && ourP99 <= hapiP99 ? "yes" : "no", pauses(row.hapi()), pauses(row.overturn()),
                PoolWaits.sum(row.overturn().stream().map(LoadDriver.Result::pool).toList()).describe());
    }

    /** The collection pauses of one system's measured windows in a row: how many, and the longest. */
    private static String pauses(List<LoadDriver.Result> results) {
        int count = results.stream().mapToInt(r -> r.gc().count()).sum();
        double longest = results.stream().mapToDouble(r -> r.gc().maxMs()).max().orElse(0);
        return String.format(Locale.ROOT, "%d, %.1f", count, longest);
    }

    static double median(List<LoadDriver.Result> results, java.util.function.ToDoubleFunction<LoadDriver.Result> figure) {
        double[] values = results.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static double min(List<LoadDriver.Result> results) {
        return results.stream().mapToDouble(LoadDriver.Result::throughput).min().orElse(0);
    }

    private static double max(List<LoadDriver.Result> results) {
        return results.stream().mapToDouble(LoadDriver.Result::throughput).max().orElse(0);
    }
}
