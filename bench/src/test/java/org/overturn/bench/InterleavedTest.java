package org.overturn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InterleavedTest {

    private static LoadDriver.Result result(double throughput, double p99) {
        return new LoadDriver.Result("update", 8, 2000, 1, 2, p99, p99 * 2, throughput, 0, 1, new GcPauses(1, p99 / 10, p99 / 10),
                new PoolWaits(1000, p99 / 10));
    }

    @Test
    void lineWhenRoundsSpreadThenMediansRatioSpreadAndVerdict() {
        Interleaved.Row met = new Interleaved.Row("update", "update", 8,
                List.of(result(100, 40), result(300, 20), result(200, 30)),
                List.of(result(260, 20), result(700, 25), result(410, 30)));
        // Medians 200 and 410 (2.05x); per-round ratios 2.60, 2.33, 2.05; p99 medians 30 and 25.
        assertThat(Interleaved.line(met))
                .isEqualTo("| update | 8 | 200.0 (100.0-300.0) | 410.0 (260.0-700.0) | 2.05x | 2.05-2.60 | 30.00 / 25.00 | 0.83x | yes | 3, 4.0 / 3, 3.0 | 3000, 2.5, 7.5 |\n");

        Interleaved.Row slowTail = new Interleaved.Row("update-1-client", "update", 1,
                List.of(result(100, 10), result(100, 12)), List.of(result(250, 14), result(210, 16)));
        // Even rounds: the median is the mean of the middle two. Throughput 2.30x, but the p99 is worse: not met.
        // Pauses: one per measurement, the longest a tenth of its p99. Pool waits: 1000 connections per measurement,
        // a tenth of its p99 in all (1.4 + 1.6 ms over 2000).
        assertThat(Interleaved.line(slowTail))
                .isEqualTo("| update | 1 | 100.0 (100.0-100.0) | 230.0 (210.0-250.0) | 2.30x | 2.10-2.50 | 11.00 / 15.00 | 1.36x | no | 2, 1.2 / 2, 1.6 | 2000, 1.5, 3.0 |\n");
    }
}
