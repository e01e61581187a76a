package org.overturn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark: starts each system on loopback one after the other (the floor, the HAPI JPA server, Overturn on its
 * embedded database and on the external PostgreSQL), measures start time, memory and the load scenarios, and writes
 * {@code bench/results/<date>-<scenario>.json} and {@code docs/benchmarks.md} with a PNG chart. Every figure is also
 * given as a ratio to its baseline measured in the same run.
 *
 * <pre>java -Dloader.main=org.overturn.bench.BenchRunner -jar bench/target/overturn-bench.jar [--requests 2000] [--quick]</pre>
 */
public final class BenchRunner {
    static final String FLOOR = "floor";
    static final String HAPI = "hapi-jpa";
    static final String EMBEDDED = "overturn-embedded";
    static final String EXTERNAL = "overturn-external";
    static final String EXTERNAL_JAR = "overturn-external-jar";
    static final String HAPI_LAUNCHER = "hapi-jpa-launcher";
    static final List<String> COMMON = List.of("read", "search", "ingest");
    /**
     * Production-like traffic, for the systems on PostgreSQL and not in the quick run: the mixed scenario (at 8 clients,
     * and at 1 as {@link #MIXED_ONE_CLIENT}) and the fresh load (store charts, then query the code+date search at once).
     */
    static final List<String> PRODUCTION = List.of("mixed", "fresh-load");
    static final String MIXED_ONE_CLIENT = "mixed-1-client";
    /**
     * Single-kind traffic measured side by side for the systems on PostgreSQL (the HAPI JPA baseline and Overturn), at 8
     * clients and, with {@link #ONE_CLIENT} appended to the name, at 1.
     */
    static final List<String> SIDE_BY_SIDE = List.of("read", "vread", "search", "search-date", "create", "update");
    static final String ONE_CLIENT = "-1-client";
    /** The code+date search again after an ANALYZE of the schema: the figure fresh-load is judged against. */
    static final String FRESH_LOAD_ANALYZED = "fresh-load-analyzed";
    /** Systems and scenarios of this run ({@code --systems}, {@code --scenarios}; empty: all). */
    static List<String> onlySystems = List.of();
    static List<String> onlyScenarios = List.of();
    /** The machine's shared PostgreSQL: used only when the bench cannot start its own cluster (no initdb on PATH). */
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    /** The PostgreSQL the systems of this run use: the bench's own cluster (autovacuum on) or {@link #PG_URL}. */
    static String pgUrl = PG_URL;
    static int pgPort = 5432;
    /** Tasks stored for the due-date search scenario. */
    static final int TASKS = 1_000_000;
    /** Tasks this run stores ({@code --tasks N}; fewer only for a quick check that the run works). */
    static int tasks = TASKS;
    static final List<String> OVERTURN_ONLY = List.of("submit", "letter", "order-sign", "order-sign-ehr", "pas-submit", "pas-submit-payer");
    /**
     * Overturn in the bench: unsigned hook calls and a loopback EHR (development mode), and no EHR answer cache, so
     * that order-sign-ehr measures real fetches rather than cache hits.
     */
    static final List<String> OVERTURN_FLAGS = List.of("--logging.level.org.overturn.access=WARN",
            "--overturn.cds.development-mode=true", "--overturn.cds.ehr.cache-ttl=0s",
            "--overturn.pas.payers[0].identifier=http://overturn.example.org/payer-id|" + LoadDriver.STUB_PAYER_ID,
            "--overturn.pas.payers[0].endpoint=http://127.0.0.1:" + LoadDriver.STUB_PAYER_PORT + "/fhir");
    /**
     * Overturn as deployed: it trusts a token issuer (the bench's, on {@link #ISSUER_PORT}), so every request carries
     * a signed token with {@link #SCOPE} that the server checks, with the access checks and the audit trail that come
     * with it. Off ({@code --security off}, and in the quick run): development mode, no tokens. The HAPI JPA baseline
     * has no authorization either way.
     */
    static boolean security = true;
    static final int ISSUER_PORT = 18092;
    static final String SCOPE = "system/*.cruds";
    static BenchIssuer.@org.jspecify.annotations.Nullable Running issuer;
    /** Interleaved rounds of the side-by-side rows ({@code --rounds N}, see {@link Interleaved}); 1: the usual single pass. */
    static int rounds = 1;
    /** What sends the timed requests ({@code --client wrk|jdk}); null: chosen by {@link #useClient}. */
    static @org.jspecify.annotations.Nullable String client;
    /** How long wrk measures each scenario ({@code --seconds N}); the JDK client sends a number of requests instead. */
    static int seconds = 10;
    static final int[] SWEEP = {1, 8, 32, 128};
    /** The due-date search again, from one client (results key; the scenario is task-due). */
    static final String TASK_DUE_ONE_CLIENT = "task-due-1-client";

    /**
     * One system to start. {@code schema}: the schema of the local PostgreSQL it uses, or empty. {@code startOnly}:
     * measured for start and memory alone (another way of starting a system whose load figures come from its main row).
     */
    record SystemDef(String name, String label, List<String> command, Map<String, String> env, int port, String dataMarker,
            String schema, boolean startOnly) {
        SystemDef(String name, String label, List<String> command, int port, String dataMarker, String schema) {
            this(name, label, command, Map.of(), port, dataMarker, schema, false);
        }
    }

    record SystemResult(
            String name, String label, long coldStartMs, long startMs, long jvmRssMib, long rssMib,
            Map<String, LoadDriver.Result> scenarios, Map<Integer, LoadDriver.Result> sweep) {}

    public static void main(String[] args) throws Exception {
        int requests = 2000;
        boolean quick = false;
        Path root = Path.of(".");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--root" -> root = Path.of(args[++i]);
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--systems" -> onlySystems = List.of(args[++i].split(","));
                case "--scenarios" -> onlyScenarios = List.of(args[++i].split(","));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--client" -> client = switch (args[++i]) {
                    case "wrk", "jdk" -> args[i];
                    default -> throw new IllegalArgumentException("--client takes wrk or jdk, not " + args[i]);
                };
                case "--security" -> security = switch (args[++i]) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("--security takes on or off, not " + args[i]);
                };
                default -> throw new IllegalArgumentException("options: --requests N, --quick, --root DIR (the repository), --tasks N,"
                        + " --systems a,b (of " + String.join(", ", FLOOR, HAPI, HAPI_LAUNCHER, EMBEDDED, EXTERNAL, EXTERNAL_JAR) + "),"
                        + " --scenarios a,b (names as in the results, plus concurrency), --security on|off (default on),"
                        + " --client wrk|jdk (what sends the timed requests; default wrk when installed, the JDK's client in --quick),"
                        + " --seconds N (how long wrk measures each scenario, default 10),"
                        + " --rounds N (the side-by-side rows only, HAPI JPA and Overturn interleaved, N rounds each)");
            }
        }
        useClient(quick);
        if (rounds > 1) {
            runInterleaved(root, requests);
            return;
        }
        List<SystemResult> results = run(root, requests, quick);
        Report.write(root, results, requests, quick);
    }

    /**
     * wrk sends the timed requests when it is installed ({@link WrkLoad}: a lighter client leaves the cores to the
     * servers); the quick smoke run keeps the JDK's client so that it measures alike on every machine.
     */
    private static void useClient(boolean quick) {
        if (client == null) {
            client = !quick && WrkLoad.available() ? "wrk" : "jdk";
            if (!quick && client.equals("jdk")) {
                System.err.println("wrk is not installed (Debian: apt-get install wrk): the JDK's HTTP client sends the timed "
                        + "requests, and its own CPU on the shared cores pulls every ratio towards 1");
            }
        } else if (client.equals("wrk") && !WrkLoad.available()) {
            throw new IllegalStateException("--client wrk: wrk is not installed (Debian: apt-get install wrk)");
        }
        LoadDriver.useWrk(client.equals("wrk"), seconds);
    }

    static List<SystemDef> systems(Path root, boolean quick) throws IOException {
        String java = ServerProcess.java();
        Path bench = root.resolve("bench/target/overturn-bench.jar");
        Path server = root.resolve("server/target/overturn-server.jar");
        Path hapi = root.resolve("bench/hapi-jpa-baseline/target/hapi-jpa-baseline.jar");
        require(bench, "./mvnw -B -DskipTests package");
        require(server, "./mvnw -B -DskipTests package");
        boolean postgres = postgresAnswers();
        List<SystemDef> systems = new ArrayList<>();
        systems.add(new SystemDef(FLOOR, "Floor (HAPI plain server, in memory)",
                List.of(java, "-Dloader.main=org.overturn.bench.floor.FloorApplication", "-jar", bench.toString(), "--server.port=18100"), 18100, "", ""));
        if (!quick && postgres && Files.isRegularFile(hapi)) {
            systems.add(new SystemDef(HAPI, "HAPI FHIR JPA server 8.8.0 (PostgreSQL 127.0.0.1)",
                    List.of(java, "-jar", hapi.toString(), "--server.port=18101", hapiDatasource()), 18101, "", "hapi_baseline"));
        } else if (!quick) {
            System.err.println("skipping the HAPI JPA baseline: " + (postgres ? "build it first (bench/run.sh does)" : "no PostgreSQL on 127.0.0.1:" + pgPort));
        }
        // Overturn starts as documented (server/bin/overturn: the jar extracted, a class-data-sharing archive recorded by
        // the first start); start-only rows show plain `java -jar` and the HAPI JPA server started the same way.
        String launcher = root.resolve("server/bin/overturn").toString();
        if (!quick && postgres && Files.isRegularFile(hapi)) {
            systems.add(new SystemDef(HAPI_LAUNCHER, "HAPI FHIR JPA server 8.8.0, started like Overturn (server/bin/overturn)",
                    List.of(launcher, "--server.port=18101", hapiDatasource()), Map.of("OVERTURN_JAR", hapi.toString()), 18101, "", "hapi_baseline", true));
        }
        Path data = Files.createTempDirectory("overturn-bench-");
        systems.add(new SystemDef(EMBEDDED, "Overturn, embedded PostgreSQL",
                concat(List.of(launcher, "--server.port=18102", "--overturn.data-dir=" + data), overturnFlags(18102)),
                18102, data.toString(), ""));
        if (!quick && postgres) {
            List<String> external = concat(List.of("--server.port=18103",
                    "--spring.datasource.url=" + pgUrl + "&currentSchema=overturn_bench",
                    "--spring.flyway.schemas=overturn_bench", "--overturn.data-dir=" + data.resolve("external")), overturnFlags(18103));
            systems.add(new SystemDef(EXTERNAL, "Overturn, PostgreSQL 127.0.0.1", concat(List.of(launcher), external),
                    18103, "", "overturn_bench"));
            systems.add(new SystemDef(EXTERNAL_JAR, "Overturn, PostgreSQL 127.0.0.1, plain java -jar",
                    concat(List.of(java, "-jar", server.toString()), external), Map.of(), 18103, "", "overturn_bench", true));
        }
        return systems;
    }

    /** {@link #OVERTURN_FLAGS}, and with {@link #security} the issuer to trust and the audience its tokens name. */
    private static List<String> overturnFlags(int port) {
        if (issuer == null) {
            return OVERTURN_FLAGS;
        }
        // One token stands for every load client (up to 128 in the read sweep), where a deployment has one per client,
        // so the per-client cap on requests in progress must let them all through.
        return concat(OVERTURN_FLAGS, List.of("--overturn.fhir.max-concurrent-requests-per-client=" + 2 * SWEEP[SWEEP.length - 1],
                "--overturn.security.issuers[0].issuer=" + issuer.url(),
                "--overturn.security.issuers[0].jwks-uri=" + issuer.jwksUri(), "--overturn.security.audience=" + base(port)));
    }

    private static String base(int port) {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    /** The side-by-side rows in the order they are measured and reported: each scenario at 8 clients and at 1, then mixed. */
    static List<String> sideBySideRows() {
        List<String> rows = new ArrayList<>();
        for (String scenario : SIDE_BY_SIDE) {
            rows.add(scenario);
            rows.add(scenario + ONE_CLIENT);
        }
        rows.add("mixed");
        rows.add(MIXED_ONE_CLIENT);
        return rows;
    }

    /** The token Overturn's load carries ({@link #security}), or null: none for the other systems or in development mode. */
    static @org.jspecify.annotations.Nullable String tokenFor(SystemDef def) throws com.nimbusds.jose.JOSEException {
        return issuer != null && def.name().startsWith("overturn") ? issuer.token(base(def.port()), SCOPE, null) : null;
    }

    private static void runInterleaved(Path root, int requests) throws Exception {
        BenchPostgres postgres = BenchPostgres.start(root.resolve("bench/target/postgres"));
        if (postgres != null) {
            pgUrl = postgres.url();
            pgPort = BenchPostgres.PORT;
        }
        issuer = security ? BenchIssuer.start(ISSUER_PORT) : null;
        try {
            List<SystemDef> systems = systems(root, false);
            dropSchemas(systems.stream().filter(s -> s.name().equals(HAPI) || s.name().equals(EXTERNAL)).toList());
            Interleaved.run(root, systems, rounds, requests);
        } finally {
            if (issuer != null) {
                issuer.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    static List<SystemResult> run(Path root, int requests, boolean quick) throws Exception {
        issuer = security && !quick ? BenchIssuer.start(ISSUER_PORT) : null;
        try {
            return runWithIssuer(root, requests, quick);
        } finally {
            if (issuer != null) {
                issuer.close();
            }
        }
    }

    private static List<SystemResult> runWithIssuer(Path root, int requests, boolean quick) throws Exception {
        // The quick run (CI's smoke guard) measures the floor and the embedded database only: no cluster needed.
        BenchPostgres postgres = quick ? null : BenchPostgres.start(root.resolve("bench/target/postgres"));
        if (postgres != null) {
            pgUrl = postgres.url();
            pgPort = BenchPostgres.PORT;
        } else if (!quick) {
            System.err.println("no initdb/pg_ctl on PATH: using the PostgreSQL on 127.0.0.1:5432 as it is configured"
                    + " (check that autovacuum is on there, or the figures are not production-like)");
        }
        try {
            return runOn(root, requests, quick);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static String hapiDatasource() {
        return "--spring.datasource.url=" + pgUrl + "&currentSchema=hapi_baseline";
    }

    private static List<SystemResult> runOn(Path root, int requests, boolean quick) throws Exception {
        List<SystemResult> results = new ArrayList<>();
        Path logs = Files.createTempDirectory("overturn-bench-logs-");
        List<SystemDef> systems = systems(root, quick).stream()
                .filter(s -> onlySystems.isEmpty() || onlySystems.contains(s.name())).toList();
        if (!quick) {
            dropSchemas(systems); // every run starts from empty databases, as on a new machine
        }
        for (SystemDef def : systems) {
            long cold = -1;
            if (!quick) {
                System.err.printf(Locale.ROOT, "%s: first start%n", def.name());
                try (ServerProcess first = ServerProcess.start(def.command(), def.env(), def.port(), logs.resolve(def.name() + "-cold.log"), def.dataMarker())) {
                    cold = first.startMillis();
                }
            }
            String label = def.label() + launcherNote(def, root);
            // Only Overturn checks tokens; the baseline and the floor get none (they would ignore it).
            LoadDriver.useToken(tokenFor(def));
            System.err.printf(Locale.ROOT, "%s: warm start%n", def.name());
            try (ServerProcess p = ServerProcess.start(def.command(), def.env(), def.port(), logs.resolve(def.name() + ".log"), def.dataMarker())) {
                long jvmRss = p.jvmRssMib();
                long rss = p.rssMib();
                if (def.startOnly()) {
                    results.add(new SystemResult(def.name(), label, cold, p.startMillis(), jvmRss, rss, Map.of(), Map.of()));
                    System.err.printf(Locale.ROOT, "%s: start %d ms, RSS %d MiB%n", def.name(), p.startMillis(), rss);
                    continue;
                }
                Map<String, LoadDriver.Result> scenarios = new LinkedHashMap<>();
                List<String> names = new ArrayList<>(COMMON);
                if (def.name().startsWith("overturn") && !quick) {
                    names.addAll(OVERTURN_ONLY);
                } else if (def.name().equals(FLOOR) && !quick) {
                    names.add("order-sign"); // the floor's CDS edge: parse the same hook body, write the same shape
                }
                for (String scenario : names.stream().filter(BenchRunner::selected).toList()) {
                    // No ANALYZE by hand between or during scenarios: tables that grow run ahead of their statistics,
                    // as on a production server between two autovacuum rounds, and the plans must hold regardless.
                    int n = List.of("letter", "submit", "pas-submit", "pas-submit-payer").contains(scenario)
                            ? Math.max(100, requests / 4) : requests;
                    scenarios.put(scenario, measured(p, new LoadDriver.Options(p.base(), scenario, 8, n, Math.max(50, n / 4))));
                }
                if (!quick && !def.schema().isEmpty()) {
                    for (String scenario : SIDE_BY_SIDE) {
                        if (!scenarios.containsKey(scenario) && selected(scenario)) {
                            scenarios.put(scenario, measured(p, new LoadDriver.Options(p.base(), scenario, 8, requests, Math.max(50, requests / 4))));
                        }
                        if (selected(scenario + ONE_CLIENT)) {
                            scenarios.put(scenario + ONE_CLIENT, measured(p, new LoadDriver.Options(p.base(), scenario, 1, requests / 2, 50)));
                        }
                    }
                    if (selected("mixed")) {
                        scenarios.put("mixed", measured(p, new LoadDriver.Options(p.base(), "mixed", 8, requests, Math.max(50, requests / 4))));
                    }
                    if (selected(MIXED_ONE_CLIENT)) {
                        scenarios.put(MIXED_ONE_CLIENT, measured(p, new LoadDriver.Options(p.base(), "mixed", 1, requests / 2, 50)));
                    }
                    if (selected("fresh-load")) {
                        // A handful of warm-up requests only: the point is the query right after the load.
                        scenarios.put("fresh-load", measured(p, new LoadDriver.Options(p.base(), "fresh-load", 8, requests, 5)));
                        // The one ANALYZE of the run, after the fresh load was measured: the figure it is judged against.
                        analyze(def.schema());
                        scenarios.put(FRESH_LOAD_ANALYZED, measured(p, new LoadDriver.Options(p.base(), "search-date", 8, requests, 50)));
                    }
                }
                if (def.name().equals(EXTERNAL) && selected("task-due")) {
                    // A million Tasks are copied in SQL, so only where the bench can reach the database.
                    TaskSeeder.seed(java.net.http.HttpClient.newHttpClient(), p.base(), pgUrl, def.schema(), tasks);
                    try {
                        scenarios.put("task-due", measured(p, new LoadDriver.Options(p.base(), "task-due", 8, requests, 100)));
                        // The same query from one client: the server's own time, without 8 clients queueing on the cores.
                        scenarios.put(TASK_DUE_ONE_CLIENT, measured(p, new LoadDriver.Options(p.base(), "task-due", 1, requests / 2, 100)));
                    } catch (IllegalStateException e) {
                        // Answers past the server's statement timeout are 503s: reported, not a crash of the whole run.
                        System.err.println("  task-due: not measured: " + e.getMessage());
                    }
                }
                Map<Integer, LoadDriver.Result> sweep = new LinkedHashMap<>();
                if (!quick && selected("concurrency")) {
                    for (int clients : SWEEP) {
                        int n = Math.max(requests / 2, clients * 20);
                        sweep.put(clients, measured(p, new LoadDriver.Options(p.base(), "read", clients, n, Math.max(100, clients * 5))));
                    }
                }
                results.add(new SystemResult(def.name(), label, cold, p.startMillis(), jvmRss, rss, scenarios, sweep));
                System.err.printf(Locale.ROOT, "%s: start %d ms, RSS %d MiB%n", def.name(), p.startMillis(), rss);
            }
        }
        return results;
    }

    /** Says so when the launcher could not record its class-data-sharing archive for a system (it then starts without). */
    private static String launcherNote(SystemDef def, Path root) {
        if (!def.command().get(0).endsWith("server/bin/overturn")) {
            return "";
        }
        String jar = def.env().getOrDefault("OVERTURN_JAR", root.resolve("server/target/overturn-server.jar").toString());
        Path app = Path.of(jar.substring(0, jar.length() - ".jar".length())).toAbsolutePath();
        return Files.exists(app.resolve("training.failed"))
                ? " (no archive: its training start failed on this JVM, so extracted jar only; see "
                        + root.toAbsolutePath().relativize(app.resolve("training.log")) + ")"
                : "";
    }

    /** One scenario measured, with the server's collection pauses and connection-pool waits during it. */
    static LoadDriver.Result measured(ServerProcess server, LoadDriver.Options options) throws Exception {
        List<PoolWaits.Totals> start = new ArrayList<>(1);
        LoadDriver.Result r = LoadDriver.measure(options, () -> server.poolTotals().ifPresent(start::add));
        PoolWaits waits = start.isEmpty() ? PoolWaits.UNKNOWN
                : server.poolTotals().map(end -> end.since(start.get(0))).orElse(PoolWaits.UNKNOWN);
        return r.withServerSide(server.gcPauses(java.time.Instant.ofEpochMilli(r.fromEpochMs()),
                java.time.Instant.ofEpochMilli(r.toEpochMs())), waits);
    }

    static boolean selected(String scenario) {
        return onlyScenarios.isEmpty() || onlyScenarios.contains(scenario);
    }

    /** Refreshes the planner statistics of one system's schema (used once, for the analyzed reference figure). */
    private static void analyze(String schema) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pgUrl)) {
            java.sql.ResultSet tables = c.createStatement().executeQuery(
                    "select quote_ident(schemaname) || '.' || quote_ident(relname) from pg_stat_user_tables where schemaname = '" + schema + "'");
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String table : names) {
                c.createStatement().execute("analyze " + table);
            }
        }
    }

    /** Drops the schemas an earlier run left, so that every run starts from empty databases. */
    private static void dropSchemas(List<SystemDef> systems) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pgUrl)) {
            for (SystemDef def : systems) {
                if (!def.schema().isEmpty()) {
                    System.err.printf(Locale.ROOT, "dropping schema %s of an earlier run, if any%n", def.schema());
                    c.createStatement().execute("drop schema if exists " + def.schema() + " cascade");
                }
            }
        }
    }

    private static boolean postgresAnswers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", pgPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void require(Path jar, String build) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it first: " + build);
        }
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static ObjectNode machine() {
        ObjectNode m = json().createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("jvmFlags", "no heap, GC or JIT flags for any system; Overturn's launcher adds -XX:SharedArchiveFile (CDS)");
        m.put("date", LocalDate.now().toString());
        return m;
    }
}
