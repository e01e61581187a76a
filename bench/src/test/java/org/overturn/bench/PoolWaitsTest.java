package org.overturn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PoolWaitsTest {

    private static String exposition(double count1, double sum1, double count2, double sum2) {
        return String.join("\n",
                "# HELP hikaricp_connections_acquire_seconds Connection acquire time",
                "# TYPE hikaricp_connections_acquire_seconds summary",
                "hikaricp_connections_acquire_seconds_count{pool=\"requests\",} " + count1,
                "hikaricp_connections_acquire_seconds_sum{pool=\"requests\",} " + sum1,
                "hikaricp_connections_acquire_seconds_count{pool=\"audit\",} " + count2,
                "hikaricp_connections_acquire_seconds_sum{pool=\"audit\",} " + sum2,
                "# TYPE hikaricp_connections_acquire_seconds_max gauge",
                "hikaricp_connections_acquire_seconds_max{pool=\"requests\",} 0.25",
                "hikaricp_connections_usage_seconds_count{pool=\"requests\",} 99999.0",
                "hikaricp_connections_usage_seconds_sum{pool=\"requests\",} 12345.0",
                "jvm_threads_live_threads 42.0",
                "");
    }

    @Test
    void sinceWhenTwoPoolsThenTheirAcquisitionsAndWaitsAreSummedOverTheWindow() {
        PoolWaits.Totals start = PoolWaits.Totals.parse(exposition(1000, 0.002, 10, 0.0005)).orElseThrow();
        PoolWaits.Totals end = PoolWaits.Totals.parse(exposition(3.0E3, 0.504, 30, 0.0015)).orElseThrow();

        PoolWaits waits = end.since(start);

        // 2000 + 20 connections taken; 502 + 1 ms of waiting (the max gauge and the usage timer are not waits).
        assertThat(waits).isEqualTo(new PoolWaits(2020, 503.0));
        assertThat(waits.describe()).isEqualTo("2020, 249.0, 503.0");
    }

    @Test
    void parseWhenNoHikariTimerThenNothingAndTheRowSaysUnknown() {
        assertThat(PoolWaits.Totals.parse("jvm_threads_live_threads 42.0\n")).isEmpty();
        assertThat(PoolWaits.UNKNOWN.describe()).isEqualTo("-");
        assertThat(PoolWaits.sum(List.of(new PoolWaits(10, 1), PoolWaits.UNKNOWN))).isEqualTo(PoolWaits.UNKNOWN);
        assertThat(PoolWaits.sum(List.of(new PoolWaits(10, 1), new PoolWaits(30, 2.5)))).isEqualTo(new PoolWaits(40, 3.5));
    }
}
