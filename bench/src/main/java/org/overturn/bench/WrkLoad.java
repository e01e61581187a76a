package org.overturn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The timed requests of a scenario sent by wrk (https://github.com/wg/wrk, Debian package {@code wrk}) instead of
 * the JDK's HTTP client: the client shares the machine's cores with the servers it measures, and at about 30 µs of
 * CPU a request against the JDK client's 500-600 µs it leaves them the cores. Both systems are measured by the same
 * client either way, but a heavy client adds the same cost to every request of both, which pulls every ratio
 * towards 1. Same model as {@link LoadDriver}'s own loop (each client one connection sending its next request when
 * the last is answered: one wrk thread per client; requests drawn at random among the scenario's targets; any answer
 * but 200 or 201 fails the run), but for a fixed time rather than a fixed number of requests, as wrk measures.
 */
final class WrkLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMAND = "wrk";

    private WrkLoad() {}

    /** Whether wrk is on this machine's PATH. */
    static boolean available() {
        try {
            Process p = new ProcessBuilder(COMMAND, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Whether wrk can send these targets: paths below the base, or absolute URLs of the same server (a CDS Hooks call
     * in development mode, which carries no token: the base's token is not sent there).
     */
    static boolean handles(URI base, List<LoadDriver.Target> targets) {
        return targets.stream().allMatch(t -> !t.path().startsWith("http") || sameServer(base, URI.create(t.path())));
    }

    private static boolean sameServer(URI base, URI url) {
        return base.getScheme().equals(url.getScheme()) && base.getHost().equals(url.getHost()) && base.getPort() == url.getPort();
    }

    /**
     * The latency percentiles and throughput of {@code seconds} of requests from {@code clients} connections, after
     * {@code warmupSeconds} of the same (0: none); {@code atStart} runs as the timed requests begin.
     */
    static LoadDriver.Result measure(URI base, String scenario, List<LoadDriver.Target> targets, int clients, int seconds,
            int warmupSeconds, @Nullable String token, Runnable atStart) throws IOException, InterruptedException {
        Path script = Files.createTempFile("overturn-bench-", ".lua");
        try {
            Files.writeString(script, script(base, targets, token));
            if (warmupSeconds > 0) {
                settle();
                run(base, script, clients, warmupSeconds);
            }
            settle();
            atStart.run();
            long from = System.currentTimeMillis();
            JsonNode done = run(base, script, clients, seconds);
            long to = System.currentTimeMillis();
            double duration = done.path("duration_us").asDouble() / 1e6;
            long answered = done.path("requests").asLong();
            return new LoadDriver.Result(scenario, clients, (int) answered, ms(done, "p50_us"), ms(done, "p90_us"),
                    ms(done, "p99_us"), ms(done, "max_us"), Math.round(answered / duration * 10) / 10.0, from, to);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /**
     * Waits for the requests a previous wrk run left in flight (wrk stops with them unanswered, the server still
     * finishes them): otherwise the next run's first update of a client's own resource may meet the last one, which
     * HAPI JPA answers 409 (a version conflict) where Overturn waits for the row lock.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep(1000);
    }

    private static JsonNode run(URI base, Path script, int clients, int seconds) throws IOException, InterruptedException {
        String c = Integer.toString(clients);
        Process p = new ProcessBuilder(COMMAND, "-t", c, "-c", c, "-d", seconds + "s", "--timeout", "30s", "-s",
                script.toString(), base.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk failed: " + out);
        }
        int at = out.lastIndexOf("\n{\"requests\"");
        if (at < 0) {
            throw new IllegalStateException("wrk printed no summary: " + out);
        }
        JsonNode done = JSON.readTree(out.substring(at + 1).trim());
        JsonNode errors = done.path("errors");
        long failed = 0;
        for (JsonNode n : errors) {
            failed += n.asLong();
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " requests failed or did not answer 200 or 201 (" + errors + "); the first: "
                    + done.path("first_failure").asText());
        }
        return done;
    }

    /**
     * The Lua script: each thread (one connection, one client) draws a target per request and puts its own resource id
     * and a fresh unique value in; the first failed answer is kept; {@code done} prints one JSON line.
     */
    static String script(URI base, List<LoadDriver.Target> targets, @Nullable String token) {
        StringBuilder lua = new StringBuilder();
        lua.append("local OWN = ").append(str(LoadDriver.OWN)).append("\n");
        lua.append("local base = ").append(str(base.getPath().replaceAll("/$", ""))).append("\n");
        lua.append("local targets = {\n");
        for (LoadDriver.Target t : targets) {
            List<String> parts = t.unique() == null ? List.of(t.body()) : split(t.body(), t.unique());
            if (LoadDriver.HOOK_INSTANCE.equals(t.unique())) {
                parts = hookInstance(parts);
            }
            boolean absolute = t.path().startsWith("http");
            lua.append("  {method = ").append(str(t.method())).append(", path = ")
                    .append(str(absolute ? URI.create(t.path()).getRawPath() : t.path())).append(", absolute = ").append(absolute)
                    .append(", type = ").append(str(t.contentType())).append(", parts = {");
            for (int i = 0; i < parts.size(); i++) {
                lua.append(i > 0 ? ", " : "").append(str(parts.get(i)));
            }
            lua.append("}, own = {");
            for (int i = 0; i < t.own().size(); i++) {
                lua.append(i > 0 ? ", " : "").append(str(t.own().get(i)));
            }
            lua.append("}},\n");
        }
        lua.append("}\n");
        lua.append("local token = ").append(token == null || token.isBlank() ? "nil" : str("Bearer " + token.trim())).append("\n");
        lua.append(String.format(Locale.ROOT, """
                local threads, next_client = {}, 0
                function setup(thread)
                  thread:set("client", next_client)
                  next_client = next_client + 1
                  table.insert(threads, thread)
                end
                local fixed, failure, unexpected = {}, nil, 0
                function init(args)
                  math.randomseed(os.time() + client * 7919)
                  for i, t in ipairs(targets) do
                    local own = (#t.own > 0) and t.own[client %% #t.own + 1] or ""
                    t.own_path = (t.absolute and "" or base) .. t.path:gsub(OWN, own, 1)
                    local parts = {}
                    for j, p in ipairs(t.parts) do parts[j] = p:gsub(OWN, own) end
                    t.own_parts = parts
                    t.headers = {["Accept"] = t.type, ["Content-Type"] = t.type}
                    if not t.absolute then t.headers["Authorization"] = token end
                    if #parts == 1 then fixed[i] = wrk.format(t.method, t.own_path, t.headers, parts[1] ~= "" and parts[1] or nil) end
                  end
                end
                local function unique()
                  return string.format("%%08x-%%04x-4%%03x-a%%03x-%%06x%%06x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
                    math.random(0, 0xfff), math.random(0, 0xfff), math.random(0, 0xffffff), math.random(0, 0xffffff))
                end
                function request()
                  local i = (#targets == 1) and 1 or math.random(#targets)
                  if fixed[i] then return fixed[i] end
                  local t = targets[i]
                  return wrk.format(t.method, t.own_path, t.headers, table.concat(t.own_parts, unique()))
                end
                function response(status, headers, body)
                  if status ~= 200 and status ~= 201 then
                    unexpected = unexpected + 1
                    wrk.thread:set("unexpected", unexpected)
                    if failure == nil then
                      failure = status .. " " .. string.sub(body or "", 1, 300)
                      wrk.thread:set("first_failure", failure)
                    end
                  end
                end
                local function quote(s)
                  return '"' .. s:gsub('[%%c"\\\\]', function(c) return string.format("\\\\u%%04x", c:byte()) end) .. '"'
                end
                function done(summary, latency, requests)
                  local first, unexpected = "", 0
                  for _, thread in ipairs(threads) do
                    local f = thread:get("first_failure")
                    if f and first == "" then first = f end
                    unexpected = unexpected + (thread:get("unexpected") or 0)
                  end
                  local e = summary.errors
                  io.write(string.format('\\n{"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,'
                    .. '"errors":{"connect":%%d,"read":%%d,"write":%%d,"timeout":%%d,"not_200_or_201":%%d},"first_failure":%%s}\\n',
                    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
                    latency.max, e.connect, e.read, e.write, e.timeout, unexpected, quote(first)))
                end
                """));
        return lua.toString();
    }

    /** A hook body split at its hookInstance: the unique value goes between the quotes of a new hookInstance member. */
    private static List<String> hookInstance(List<String> parts) {
        List<String> quoted = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            quoted.add((i > 0 ? "\"" : "") + parts.get(i) + (i < parts.size() - 1 ? "\"hookInstance\":\"" : ""));
        }
        return quoted;
    }

    private static List<String> split(String body, String token) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int at = body.indexOf(token); at >= 0; at = body.indexOf(token, from)) {
            parts.add(body.substring(from, at));
            from = at + token.length();
        }
        parts.add(body.substring(from));
        return parts;
    }

    /** A Lua long string holding {@code s} as it is (a level of '=' that {@code s} does not close). */
    private static String str(String s) {
        String eq = "";
        while (s.contains("]" + eq + "]")) {
            eq += "=";
        }
        // a long string drops a first newline: start with one of its own
        return "[" + eq + "[\n" + s + "]" + eq + "]";
    }

    private static double ms(JsonNode done, String field) {
        return Math.round(done.path(field).asDouble() / 10.0) / 100.0;
    }
}
