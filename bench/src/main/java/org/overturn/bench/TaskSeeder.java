package org.overturn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Fills an Overturn schema with {@code count} workflow Tasks for the due-date search scenario. One template Task is
 * written through the API (so its content and index rows are exactly what the server writes), then copied in SQL
 * with new ids, a status (one in ten requested, the rest completed) and a deadline spread over {@link #DAYS} days: a
 * million Tasks through the API would take longer than the rest of the benchmark. The copies carry a write time a
 * month back, as if written over time, so the deadline reminder rounds (which read what was written since their last
 * round) are not handed a million Tasks in the middle of the measurement. The copies have no history rows; searches
 * and reads do not need them. Generated here, never committed.
 */
final class TaskSeeder {
    static final int DAYS = 730;
    static final String TEMPLATE = "bt-template";
    private static final String TEMPLATE_JSON = "{\"resourceType\":\"Task\",\"id\":\"" + TEMPLATE + "\",\"status\":\"requested\","
            + "\"intent\":\"order\",\"code\":{\"coding\":[{\"system\":\"http://overturn.example.org/fhir/CodeSystem/workflow-step\","
            + "\"code\":\"internal-appeal\"}]},\"description\":\"Internal appeal filing (benchmark data)\","
            + "\"for\":{\"reference\":\"Patient/bench-tasks\"},\"owner\":{\"reference\":\"Practitioner/bench-owner\"},"
            + "\"restriction\":{\"period\":{\"end\":\"2026-01-01\"}}}";
    private static final int CHUNK = 100_000;

    private TaskSeeder() {}

    /** By hand: {@code java -Dloader.main=org.overturn.bench.TaskSeeder -jar bench/target/overturn-bench.jar BASE SCHEMA COUNT}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: TaskSeeder <fhir base on loopback> <schema> <count>");
        }
        URI base = URI.create(args[0]);
        LoadDriver.requireLoopback(base);
        seed(HttpClient.newHttpClient(), base, BenchRunner.PG_URL, args[1], Integer.parseInt(args[2]));
    }

    static void seed(HttpClient http, URI base, String jdbcUrl, String schema, int count) throws IOException, InterruptedException, SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.createStatement().execute("set search_path = " + schema);
            int have = count(c);
            if (have >= count) {
                System.err.printf(Locale.ROOT, "  task-due: %d benchmark Tasks already stored%n", have);
                return;
            }
            HttpResponse<String> put = http.send(LoadDriver.authorized(HttpRequest.newBuilder(URI.create(base + "/Task/" + TEMPLATE)))
                    .header("Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString(TEMPLATE_JSON)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() / 100 != 2) {
                throw new IllegalStateException("writing the template Task failed: HTTP " + put.statusCode() + " " + put.body());
            }
            c.setAutoCommit(false);
            for (int from = have + 1; from <= count; from += CHUNK) {
                int to = Math.min(count, from + CHUNK - 1);
                copy(c, from, to);
                c.commit();
                System.err.printf(Locale.ROOT, "  task-due: %d of %d Tasks stored%n", to, count);
            }
            c.setAutoCommit(true);
            // No ANALYZE here: the due-date search runs on whatever statistics autovacuum has reached by then.
        }
    }

    private static int count(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("select count(*) from resource where res_type = 'Task' and res_id like 'bt-%' and res_id <> '" + TEMPLATE + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void copy(Connection c, int from, int to) throws SQLException {
        String series = " from %s t, generate_series(?, ?) g where t.res_type = 'Task' and t.res_id = '" + TEMPLATE + "'";
        String status = "case when g % 10 = 0 then 'requested' else 'completed' end";
        String days = "((g % " + DAYS + ") || ' days')::interval";
        run(c, "insert into resource (res_type, res_id, version, last_updated, deleted, patient_id, content)"
                + " select 'Task', 'bt-' || g, 1, t.last_updated - interval '30 days', false, t.patient_id,"
                + " replace(replace(replace(t.content, '\"id\":\"" + TEMPLATE + "\"', '\"id\":\"bt-' || g || '\"'),"
                + " '\"end\":\"2026-01-01\"', '\"end\":\"' || to_char(date '2026-01-01' + (g % " + DAYS + "), 'YYYY-MM-DD') || '\"'),"
                + " '\"status\":\"requested\"', '\"status\":\"' || " + status + " || '\"')" + series.formatted("resource"), from, to);
        run(c, "insert into idx_token (res_type, res_id, param, system, code, text_norm, patient_id)"
                + " select t.res_type, 'bt-' || g, t.param, t.system, case when t.param = 'status' then " + status + " else t.code end,"
                + " t.text_norm, t.patient_id" + series.formatted("idx_token"), from, to);
        run(c, "insert into idx_date (res_type, res_id, param, low, high, patient_id)"
                + " select t.res_type, 'bt-' || g, t.param, case when t.param = 'deadline' then t.low + " + days + " else t.low end,"
                + " case when t.param = 'deadline' then t.high + " + days + " else t.high end, t.patient_id" + series.formatted("idx_date"), from, to);
        run(c, "insert into idx_token_date (res_type, res_id, param, system, code, low, high, patient_id)"
                + " select t.res_type, 'bt-' || g, t.param, t.system, " + status + ", t.low + " + days + ", t.high + " + days + ","
                + " t.patient_id" + series.formatted("idx_token_date"), from, to);
        run(c, "insert into idx_reference (res_type, res_id, param, target_type, target_id, target_url, patient_id)"
                + " select t.res_type, 'bt-' || g, t.param, t.target_type, t.target_id, t.target_url, t.patient_id" + series.formatted("idx_reference"), from, to);
        run(c, "insert into idx_string (res_type, res_id, param, value_norm, value_exact, patient_id)"
                + " select t.res_type, 'bt-' || g, t.param, t.value_norm, t.value_exact, t.patient_id" + series.formatted("idx_string"), from, to);
    }

    private static void run(Connection c, String sql, int from, int to) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setInt(1, from);
            p.setInt(2, to);
            p.executeUpdate();
        }
    }
}
