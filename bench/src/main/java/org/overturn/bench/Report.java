package org.overturn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;

/** Writes the results: one JSON file per scenario, docs/benchmarks.md and its chart. */
final class Report {
    private Report() {}

    static void write(Path root, List<BenchRunner.SystemResult> results, int requests, boolean quick) throws IOException {
        ObjectMapper json = BenchRunner.json();
        String date = LocalDate.now().toString();
        boolean selection = !BenchRunner.onlySystems.isEmpty() || !BenchRunner.onlyScenarios.isEmpty();
        // A selection of systems or scenarios is not the whole benchmark: its files go apart from the full runs'.
        Path dir = root.resolve(quick ? "bench/results/quick" : selection ? "bench/results/selected" : "bench/results");
        Files.createDirectories(dir);
        Optional<BenchRunner.SystemResult> hapi = find(results, BenchRunner.HAPI);
        Optional<BenchRunner.SystemResult> floor = find(results, BenchRunner.FLOOR);

        ObjectNode start = json.createObjectNode();
        start.set("machine", BenchRunner.machine());
        start.put("baseline", BenchRunner.HAPI);
        for (BenchRunner.SystemResult r : results) {
            ObjectNode s = start.putObject(r.name());
            s.put("label", r.label());
            s.put("coldStartMs", r.coldStartMs());
            s.put("startMs", r.startMs());
            s.put("jvmRssMib", r.jvmRssMib());
            s.put("rssWithEmbeddedDatabaseMib", r.rssMib());
            hapi.ifPresent(h -> {
                s.put("startRatioToBaseline", ratio(r.startMs(), h.startMs()));
                s.put("jvmRssRatioToBaseline", ratio(r.jvmRssMib(), h.jvmRssMib()));
            });
        }
        json.writeValue(dir.resolve(date + "-start.json").toFile(), start);
        for (String scenario : scenarios()) {
            if (results.stream().noneMatch(r -> r.scenarios().containsKey(scenario))) {
                continue;
            }
            ObjectNode file = json.createObjectNode();
            file.set("machine", BenchRunner.machine());
            results.stream().map(r -> r.scenarios().get(scenario)).filter(java.util.Objects::nonNull).findFirst()
                    .ifPresent(x -> file.put("clients", x.clients()));
            file.put("baselines", "throughput vs hapi-jpa; p99 vs floor");
            for (BenchRunner.SystemResult r : results) {
                LoadDriver.Result x = r.scenarios().get(scenario);
                if (x == null) {
                    continue;
                }
                ObjectNode s = file.putObject(r.name());
                s.set("result", json.valueToTree(x));
                hapi.map(h -> h.scenarios().get(scenario)).ifPresent(h -> s.put("throughputRatioToHapiJpa", ratio(x.throughput(), h.throughput())));
                floor.map(f -> f.scenarios().get(scenario)).ifPresent(f -> s.put("p99RatioToFloor", ratio(x.p99(), f.p99())));
            }
            json.writeValue(dir.resolve(date + "-" + scenario + ".json").toFile(), file);
        }
        if (!quick) {
            ObjectNode sweep = json.createObjectNode();
            sweep.set("machine", BenchRunner.machine());
            for (BenchRunner.SystemResult r : results) {
                sweep.set(r.name(), json.valueToTree(r.sweep()));
            }
            json.writeValue(dir.resolve(date + "-concurrency.json").toFile(), sweep);
            if (!selection) {
                Files.writeString(root.resolve("docs/benchmarks.md"), markdown(results, requests, date));
                chart(results, root.resolve("docs/benchmarks.png"));
            } else {
                Files.writeString(dir.resolve(date + "-selected.md"), markdown(results, requests, date));
            }
        }
        System.out.println(markdown(results, requests, date));
    }

    static String markdown(List<BenchRunner.SystemResult> results, int requests, String date) {
        Optional<BenchRunner.SystemResult> hapi = find(results, BenchRunner.HAPI);
        Optional<BenchRunner.SystemResult> floor = find(results, BenchRunner.FLOOR);
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        if (BenchRunner.onlySystems.isEmpty() && BenchRunner.onlyScenarios.isEmpty()) {
            md.append("Reproduce with `bench/run.sh " + requests + "` (builds what it needs, then runs every system on 127.0.0.1, one after the other).\n\n");
        } else {
            md.append("A selection, reproduced (after `bench/run.sh` has built everything once) with `java -Dloader.main=org.overturn.bench.BenchRunner"
                    + " -jar bench/target/overturn-bench.jar --root . --requests " + requests
                    + ("wrk".equals(BenchRunner.client) ? " --seconds " + BenchRunner.seconds : " --client jdk")
                    + (BenchRunner.onlySystems.isEmpty() ? "" : " --systems " + String.join(",", BenchRunner.onlySystems))
                    + (BenchRunner.onlyScenarios.isEmpty() ? "" : " --scenarios " + String.join(",", BenchRunner.onlyScenarios))
                    + (BenchRunner.security ? "" : " --security off") + "`.\n\n");
        }
        md.append(BenchRunner.issuer != null
                ? "Overturn runs as deployed: it trusts a token issuer, and every request carries a signed token (scope `"
                        + BenchRunner.SCOPE + "`) that it checks, with its access checks and audit trail on. The HAPI JPA baseline has no authorization.\n\n"
                : "Overturn runs in development mode: no tokens, no access checks, no audit trail.\n\n");
        md.append(String.format(Locale.ROOT, "Run of %s on %d cores, %s, no heap, GC or JIT flags for any system (Overturn's launcher adds only its class-data-sharing archive, `-XX:SharedArchiveFile`). "
                + "Load: %s, on the same machine (so the client shares the cores, equally for every system). The HAPI JPA server and Overturn on PostgreSQL use the bench's own PostgreSQL cluster (initdb under `bench/target/postgres`, "
                + "default settings, autovacuum on, as in production); nothing runs ANALYZE by hand, so tables that grow during a scenario run ahead of their statistics. Results: `bench/results/%s-*.json`.\n\n",
                date, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                "wrk".equals(BenchRunner.client)
                        ? BenchRunner.seconds + " s per scenario after 3 s of warm-up, sent by wrk (pas-submit-payer: " + requests
                                + " requests by the bench module's HdrHistogram client)"
                        : requests + " requests per scenario from 8 clients after a warm-up, by the bench module's HdrHistogram client",
                date));
        md.append("## Start and memory\n\n");
        md.append("| system | first start (ms) | start (ms) | vs HAPI JPA | JVM RSS after start (MiB) | vs HAPI JPA | with embedded database (MiB) |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (BenchRunner.SystemResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %d | %s | %s |\n", r.label(), r.coldStartMs(), r.startMs(),
                    hapi.map(h -> fmt(ratio(r.startMs(), h.startMs()))).orElse("-"), r.jvmRssMib(),
                    hapi.map(h -> fmt(ratio(r.jvmRssMib(), h.jvmRssMib()))).orElse("-"),
                    r.rssMib() == r.jvmRssMib() ? "-" : Long.toString(r.rssMib())));
        }
        md.append("\nStart = launch to the first HTTP 200 on `/fhir/metadata` (second start; \"first start\" includes first-run work such as creating the database). "
                + "Overturn starts as the README says, with `server/bin/overturn`: the jar extracted next to it and a class-data-sharing archive of the "
                + "classes a start loads, recorded by a training start within the first start (docs/adr/0006-start-up.md). Two rows show other ways "
                + "of starting for comparison, start and memory only: Overturn by plain `java -jar`, and the HAPI JPA server started by the same "
                + "launcher. "
                + "JVM RSS leaves out the database, as the HAPI JPA server's does; the last column adds the embedded PostgreSQL's processes "
                + "(their shared memory is counted once per process, so it overstates).\n\n");
        md.append("## Throughput and latency (8 clients, but `" + BenchRunner.MIXED_ONE_CLIENT + "` and `" + BenchRunner.TASK_DUE_ONE_CLIENT + "`: 1)\n\n");
        md.append("| scenario | system | req/s | vs HAPI JPA | p50 ms | p90 ms | p99 ms | p99 vs floor | max ms | GC pauses (n / longest ms) | pool waits (connections taken, mean µs, total ms) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String scenario : scenarios()) {
            for (BenchRunner.SystemResult r : results) {
                LoadDriver.Result x = r.scenarios().get(scenario);
                if (x == null) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %.2f | %.2f | %.2f | %s | %.2f | %s | %s |\n", scenario, r.name(), x.throughput(),
                        hapi.map(h -> h.scenarios().get(scenario)).map(h -> fmt(ratio(x.throughput(), h.throughput()))).orElse("-"),
                        x.p50(), x.p90(), x.p99(),
                        floor.map(f -> f.scenarios().get(scenario)).map(f -> fmt(ratio(x.p99(), f.p99()))).orElse("-"), x.max(), gc(x),
                        x.pool().describe()));
            }
        }
        md.append("\nScenarios: `read` = GET Observation/{id}; `search` = GET Observation?patient=&code=; `ingest` = POST of a 12-resource chart as a "
                + "transaction Bundle; `submit` = CoverageEligibilityRequest/$submit (criteria evaluation, response stored); "
                + "`letter` = Claim/$generate-letter (Markdown and PDF, DocumentReference, QuestionnaireResponse and Provenance stored); "
                + "`order-sign` = CDS Hooks order-sign with the whole chart in prefetch (card and coverage-information system action; "
                + "the floor parses the same body with HAPI and writes a response of the same shape); `order-sign-ehr` = the same call with "
                + "no prefetch, the chart read from a stand-in EHR on loopback that answers each query after "
                + LoadDriver.EHR_DELAY.toMillis() + " ms (6 queries in parallel, EHR answer cache off). Overturn runs in CDS development "
                + "mode (unsigned calls), so JWT checks are not in these figures; every hook call stores its assessment. "
                + "`pas-submit` = Da Vinci PAS Claim/$submit of a 13-resource request Bundle decided by the sandbox payer (Claim, resources, "
                + "ClaimResponse and Task stored); `pas-submit-payer` = the same request for a payer routed to a stub PAS endpoint on loopback "
                + "that approves after " + LoadDriver.PAYER_DELAY.toMillis() + " ms: $submit stores it with its outbox row and answers at once "
                + "(pended, submitted); the outbox then forwards it (delivery rate in the run's log). `task-due` = `GET "
                + LoadDriver.TASK_DUE_QUERY + "` over " + String.format(Locale.ROOT, "%,d", BenchRunner.tasks) + " workflow Tasks (one in ten "
                + "requested, deadlines over two years), Overturn on the external PostgreSQL only: the Tasks are copied in SQL from one "
                + "written through the API; `" + BenchRunner.TASK_DUE_ONE_CLIENT + "` = the same query from one client. "
                + "`mixed` = 25% read, 10% vread, 20% patient+code search, 15% code+date search (`GET " + LoadDriver.CODE_DATE_QUERY + "`), "
                + "15% Observation create, 15% update, drawn at random per request (`" + BenchRunner.MIXED_ONE_CLIENT + "`: one client); "
                + "`fresh-load` = " + LoadDriver.FRESH_LOAD_CHARTS + " charts stored, then the code+date search at once, before autovacuum "
                + "can have analyzed what was loaded. Both on PostgreSQL systems only.\n\n");
        sideBySide(md, hapi, find(results, BenchRunner.EXTERNAL));
        md.append("## Concurrency (read)\n\n| system | clients | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n");
        for (BenchRunner.SystemResult r : results) {
            r.sweep().forEach((clients, x) -> md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.2f | %.2f |\n",
                    r.name(), clients, x.throughput(), x.p50(), x.p99())));
        }
        md.append("\n## Targets\n\n| target | figure | met |\n|---|---|---|\n");
        Optional<BenchRunner.SystemResult> embedded = find(results, BenchRunner.EMBEDDED);
        Optional<BenchRunner.SystemResult> external = find(results, BenchRunner.EXTERNAL);
        Optional<BenchRunner.SystemResult> externalJar = find(results, BenchRunner.EXTERNAL_JAR);
        Optional<BenchRunner.SystemResult> hapiLauncher = find(results, BenchRunner.HAPI_LAUNCHER);
        for (Optional<BenchRunner.SystemResult> ours : List.of(external, embedded)) {
            if (hapi.isPresent() && ours.isPresent()) {
                BenchRunner.SystemResult o = ours.get();
                double s = ratio(o.startMs(), hapi.get().startMs());
                double m = ratio(o.jvmRssMib(), hapi.get().jvmRssMib());
                // The target compares with the HAPI JPA server as it is usually run (java -jar); the other ways of
                // starting either system are shown beside it.
                Optional<BenchRunner.SystemResult> jar = o == external.orElse(null) ? externalJar : Optional.empty();
                String startAlso = otherWays(o, jar, hapi.get(), hapiLauncher, BenchRunner.SystemResult::startMs);
                String rssAlso = otherWays(o, jar, hapi.get(), hapiLauncher, BenchRunner.SystemResult::jvmRssMib);
                md.append(String.format(Locale.ROOT, "| %s: start under 1/5 of HAPI JPA's | %s (%d vs %d ms%s) | %s |\n",
                        o.name(), fmt(s), o.startMs(), hapi.get().startMs(), startAlso, s < 0.2 ? "yes" : "no"));
                md.append(String.format(Locale.ROOT, "| %s: JVM RSS after start under 1/2 of HAPI JPA's | %s (%d vs %d MiB%s) | %s |\n",
                        o.name(), fmt(m), o.jvmRssMib(), hapi.get().jvmRssMib(), rssAlso, m < 0.5 ? "yes" : "no"));
            }
        }
        if (hapi.isPresent() && external.isPresent()) {
            for (String scenario : BenchRunner.COMMON) {
                LoadDriver.Result ours = external.get().scenarios().get(scenario);
                LoadDriver.Result theirs = hapi.get().scenarios().get(scenario);
                if (ours == null || theirs == null) {
                    continue; // not selected in this run
                }
                double t = ratio(ours.throughput(), theirs.throughput());
                md.append(String.format(Locale.ROOT, "| %s throughput at least 2x HAPI JPA's, same PostgreSQL | %s | %s |\n", scenario, fmt(t), t >= 2 ? "yes" : "no"));
            }
        }
        for (Optional<BenchRunner.SystemResult> ours : List.of(external, embedded)) {
            ours.map(o -> o.scenarios().get("order-sign")).ifPresent(x -> md.append(String.format(Locale.ROOT,
                    "| %s: order-sign with full prefetch, p99 at 8 clients under 100 ms | %.2f ms | %s |\n",
                    ours.get().name(), x.p99(), x.p99() < 100 ? "yes" : "no")));
        }
        Optional<LoadDriver.Result> floorHook = floor.map(f -> f.scenarios().get("order-sign"));
        for (Optional<BenchRunner.SystemResult> ours : List.of(external, embedded)) {
            Optional<LoadDriver.Result> hook = ours.map(o -> o.scenarios().get("order-sign"));
            if (hook.isPresent() && floorHook.isPresent()) {
                double r = ratio(hook.get().p99(), floorHook.get().p99());
                md.append(String.format(Locale.ROOT, "| %s: order-sign p99 within 3x of the floor's (same body parsed, same response shape) | %s (%.2f vs %.2f ms) | %s |\n",
                        ours.get().name(), fmt(r), hook.get().p99(), floorHook.get().p99(), r <= 3 ? "yes" : "no"));
            }
            ours.map(o -> o.scenarios().get("order-sign-ehr")).ifPresent(x -> md.append(String.format(Locale.ROOT,
                    "| %s: order-sign with EHR fetch (stand-in EHR at %d ms), p50 / p99 at 8 clients, inside CRD's 5 s | %.2f / %.2f ms | %s |\n",
                    ours.get().name(), LoadDriver.EHR_DELAY.toMillis(), x.p50(), x.p99(), x.p99() < 5000 ? "yes" : "no")));
        }
        for (Optional<BenchRunner.SystemResult> ours : List.of(external, embedded)) {
            ours.map(o -> o.scenarios().get("pas-submit")).ifPresent(x -> md.append(String.format(Locale.ROOT,
                    "| %s: Claim/$submit with the sandbox payer, p99 at 8 clients under 150 ms | %.2f ms (%.1f req/s) | %s |\n",
                    ours.get().name(), x.p99(), x.throughput(), x.p99() < 150 ? "yes" : "no")));
        }
        external.map(o -> o.scenarios().get("task-due")).ifPresentOrElse(x -> md.append(String.format(Locale.ROOT,
                "| %s: Task due-date search at %,d Tasks, p99 under 20 ms at 8 clients | %.2f ms (%.1f req/s)%s | %s |\n",
                external.get().name(), BenchRunner.tasks, x.p99(), x.throughput(),
                Optional.ofNullable(external.get().scenarios().get(BenchRunner.TASK_DUE_ONE_CLIENT))
                        .map(one -> String.format(Locale.ROOT, "; from 1 client: p99 %.2f ms (%.1f req/s)", one.p99(), one.throughput())).orElse(""),
                x.p99() < 20 ? "yes" : "no")),
                () -> md.append("| Task due-date search at 1,000,000 Tasks | not measured (needs the external PostgreSQL) | - |\n"));
        md.append("\n![Throughput by scenario and system](benchmarks.png)\n");
        return md.toString();
    }

    /**
     * The HAPI JPA baseline and Overturn on the same PostgreSQL, scenario by scenario at 8 clients and at 1: throughput
     * at least 2x HAPI's and a p99 no worse than its; the fresh load within 2x of the same query after an ANALYZE.
     */
    private static void sideBySide(StringBuilder md, Optional<BenchRunner.SystemResult> hapi, Optional<BenchRunner.SystemResult> ours) {
        if (hapi.isEmpty() || ours.isEmpty()) {
            return;
        }
        md.append("## Side by side with HAPI JPA (same PostgreSQL, autovacuum on, no ANALYZE by hand)\n\n");
        md.append("| scenario | clients | HAPI JPA req/s | Overturn req/s | ratio | HAPI JPA p50 / p99 / max ms | Overturn p50 / p99 / max ms "
                + "| p99 ratio | 2x and p99 no worse | GC pauses HAPI JPA / Overturn (n, longest ms) "
                + "| Overturn's pool waits (connections taken, mean µs, total ms) |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        List<String> rows = new ArrayList<>(BenchRunner.sideBySideRows());
        rows.add("fresh-load");
        for (String row : rows) {
            LoadDriver.Result h = hapi.get().scenarios().get(row);
            LoadDriver.Result o = ours.get().scenarios().get(row);
            if (h == null || o == null) {
                continue;
            }
            double t = ratio(o.throughput(), h.throughput());
            double p = ratio(o.p99(), h.p99());
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %s | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f | %s | %s | %s / %s | %s |\n",
                    row.replace(BenchRunner.ONE_CLIENT, ""), o.clients(), h.throughput(), o.throughput(), fmt(t),
                    h.p50(), h.p99(), h.max(), o.p50(), o.p99(), o.max(), fmt(p), t >= 2 && p <= 1 ? "yes" : "no", gc(h), gc(o),
                    o.pool().describe()));
        }
        md.append("\n");
        for (BenchRunner.SystemResult r : List.of(hapi.get(), ours.get())) {
            LoadDriver.Result fresh = r.scenarios().get("fresh-load");
            LoadDriver.Result analyzed = r.scenarios().get(BenchRunner.FRESH_LOAD_ANALYZED);
            if (fresh != null && analyzed != null) {
                double t = ratio(analyzed.throughput(), fresh.throughput());
                md.append(String.format(Locale.ROOT, "- %s: the code+date search right after the load %.1f req/s (p99 %.2f ms), after an ANALYZE "
                        + "%.1f req/s (p99 %.2f ms): the analyzed figure is %s the fresh one%s.%n", r.name(), fresh.throughput(), fresh.p99(),
                        analyzed.throughput(), analyzed.p99(), fmt(t), r == ours.get() ? (t <= 2 ? " (within 2x: met)" : " (not within 2x)") : ""));
            }
        }
        md.append("\n");
    }

    /** A scenario's collection pauses as "n, longest ms", or "0". */
    private static String gc(LoadDriver.Result x) {
        return x.gc().count() == 0 ? "0" : String.format(Locale.ROOT, "%d, %.1f", x.gc().count(), x.gc().maxMs());
    }

    private static void chart(List<BenchRunner.SystemResult> all, Path png) throws IOException {
        List<BenchRunner.SystemResult> results = all.stream().filter(r -> !r.scenarios().isEmpty()).toList();
        int w = 900;
        int h = 460;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Throughput, 8 clients (requests per second, higher is better)", 40, 30);
        List<String> scenarios = BenchRunner.COMMON;
        double max = results.stream().flatMap(r -> r.scenarios().values().stream()).mapToDouble(LoadDriver.Result::throughput).max().orElse(1);
        Color[] colors = {new Color(0x9e9e9e), new Color(0xd95f02), new Color(0x1b9e77), new Color(0x7570b3)};
        int left = 60;
        int bottom = h - 90;
        int top = 60;
        int groupWidth = (w - left - 40) / scenarios.size();
        int bar = Math.max(8, (groupWidth - 40) / Math.max(1, results.size()));
        g.setStroke(new BasicStroke(1f));
        g.drawLine(left, bottom, w - 30, bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < scenarios.size(); s++) {
            int x0 = left + s * groupWidth + 20;
            for (int i = 0; i < results.size(); i++) {
                LoadDriver.Result x = results.get(i).scenarios().get(scenarios.get(s));
                if (x == null) {
                    continue;
                }
                int bh = (int) ((bottom - top) * x.throughput() / max);
                g.setColor(colors[i % colors.length]);
                g.fillRect(x0 + i * bar, bottom - bh, bar - 4, bh);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.0f", x.throughput()), x0 + i * bar, bottom - bh - 4);
            }
            g.drawString(scenarios.get(s), x0 + (results.size() * bar) / 2 - 15, bottom + 18);
        }
        for (int i = 0; i < results.size(); i++) {
            g.setColor(colors[i % colors.length]);
            g.fillRect(left + i * 210, h - 45, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(results.get(i).name(), left + i * 210 + 20, h - 33);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static Optional<BenchRunner.SystemResult> find(List<BenchRunner.SystemResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The scenarios reported, in order. */
    private static List<String> scenarios() {
        List<String> scenarios = new ArrayList<>(BenchRunner.COMMON);
        for (String scenario : BenchRunner.SIDE_BY_SIDE) {
            if (!scenarios.contains(scenario)) {
                scenarios.add(scenario);
            }
            scenarios.add(scenario + BenchRunner.ONE_CLIENT);
        }
        scenarios.add("mixed");
        scenarios.add(BenchRunner.MIXED_ONE_CLIENT);
        scenarios.add("fresh-load");
        scenarios.add(BenchRunner.FRESH_LOAD_ANALYZED);
        scenarios.addAll(BenchRunner.OVERTURN_ONLY);
        scenarios.add("task-due");
        scenarios.add(BenchRunner.TASK_DUE_ONE_CLIENT);
        return scenarios;
    }

    /** A figure's ratios for the other ways of starting: Overturn by plain java -jar, HAPI JPA by the launcher. */
    private static String otherWays(BenchRunner.SystemResult ours, Optional<BenchRunner.SystemResult> plainJar,
            BenchRunner.SystemResult hapi, Optional<BenchRunner.SystemResult> hapiLauncher,
            java.util.function.ToLongFunction<BenchRunner.SystemResult> figure) {
        return plainJar.map(j -> "; Overturn by plain java -jar: " + fmt(ratio(figure.applyAsLong(j), figure.applyAsLong(hapi)))).orElse("")
                + hapiLauncher.map(l -> "; vs HAPI JPA started like Overturn: " + fmt(ratio(figure.applyAsLong(ours), figure.applyAsLong(l)))).orElse("");
    }

    /** Unrounded: a target is judged on the ratio itself (0.198 is under 0.2, 1.996 is not 2). */
    static double ratio(double value, double baseline) {
        return baseline == 0 ? 0 : value / baseline;
    }

    /** Two decimals, three below 1 (where a fifth or a half is the target). */
    private static String fmt(double ratio) {
        return String.format(Locale.ROOT, ratio < 1 ? "%.3fx" : "%.2fx", ratio);
    }
}
