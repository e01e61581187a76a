package org.overturn.bench;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server's request threads spent waiting for database connections during one measured window: how many
 * connections its pools handed out and how long taking them took in all, the difference of Hikari's acquire timer
 * ({@code hikaricp_connections_acquire_seconds}, every pool summed) read from the server's Prometheus endpoint at the
 * window's start and end. A pool too small for the load shows as a total near the window's length times its clients.
 * Only Overturn has the endpoint; the HAPI JPA baseline is kept stock, so its waits are unknown ({@link #UNKNOWN}).
 */
record PoolWaits(long acquisitions, double totalMs) {
    static final PoolWaits UNKNOWN = new PoolWaits(-1, 0);

    boolean known() {
        return acquisitions >= 0;
    }

    /** The mean time to take a connection, in microseconds (a few when nobody waits). */
    double meanMicros() {
        return acquisitions <= 0 ? 0 : totalMs * 1000 / acquisitions;
    }

    /** "acquisitions, mean µs, total ms", or "-" when unknown. */
    String describe() {
        return known() ? String.format(java.util.Locale.ROOT, "%d, %.1f, %.1f", acquisitions, meanMicros(), totalMs) : "-";
    }

    /** Several windows of one system as one (a row of interleaved rounds); unknown if any of them is. */
    static PoolWaits sum(java.util.List<PoolWaits> windows) {
        if (windows.isEmpty() || windows.stream().anyMatch(w -> !w.known())) {
            return UNKNOWN;
        }
        return new PoolWaits(windows.stream().mapToLong(PoolWaits::acquisitions).sum(),
                round(windows.stream().mapToDouble(PoolWaits::totalMs).sum()));
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }

    /** The acquire timer's running totals at one moment. */
    record Totals(long count, double seconds) {
        /** {@code hikaricp_connections_acquire_seconds_count{pool="HikariPool-1",} 1234.0}, and {@code _sum}. */
        private static final Pattern LINE = Pattern.compile(
                "(?m)^hikaricp_connections_acquire_seconds_(count|sum)(?:\\{[^}]*\\})? ([0-9.eE+-]+)$");

        /** The totals in a Prometheus text exposition, or empty when it has no Hikari acquire timer. */
        static Optional<Totals> parse(String exposition) {
            Matcher m = LINE.matcher(exposition);
            double count = 0;
            double seconds = 0;
            boolean found = false;
            while (m.find()) {
                found = true;
                double value = Double.parseDouble(m.group(2));
                if (m.group(1).equals("count")) {
                    count += value;
                } else {
                    seconds += value;
                }
            }
            return found ? Optional.of(new Totals((long) count, seconds)) : Optional.empty();
        }

        PoolWaits since(Totals start) {
            return new PoolWaits(count - start.count, round((seconds - start.seconds) * 1000));
        }
    }
}
