package org.overturn.bench;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world garbage-collection pauses of a server during one measured scenario, read from its unified JVM log
 * ({@code -Xlog:gc:file=...:time}, set by {@link ServerProcess} for every system alike): how many, their sum and the
 * longest. A pause longer than a scenario's p99 is what its tail is made of.
 */
record GcPauses(int count, double totalMs, double maxMs) {
    static final GcPauses NONE = new GcPauses(0, 0, 0);
    /** {@code [2026-12-06T04:20:01.123+0000] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 51M->10M(256M) 12.345ms}. */
    private static final Pattern PAUSE = Pattern.compile("^\\[([^\\]]+)\\].* Pause .* (\\d+(?:\\.\\d+)?)ms$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    static GcPauses parse(List<String> lines, Instant from, Instant to) {
        int count = 0;
        double total = 0;
        double max = 0;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Instant at = OffsetDateTime.parse(m.group(1), TIME).toInstant();
            if (at.isBefore(from) || at.isAfter(to)) {
                continue;
            }
            double ms = Double.parseDouble(m.group(2));
            count++;
            total += ms;
            max = Math.max(max, ms);
        }
        return new GcPauses(count, Math.round(total * 100) / 100.0, Math.round(max * 100) / 100.0);
    }
}
