package org.overturn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcPausesTest {

    @Test
    void parseWhenPausesFallInsideAndOutsideTheWindowThenOnlyThoseInsideCount() {
        List<String> log = List.of(
                "[2026-12-06T04:20:00.100+0000] Using G1",
                "[2026-12-06T04:20:01.000+0000] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 51M->10M(256M) 3.500ms",
                "[2026-12-06T04:20:05.000+0000] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 120M->20M(256M) 12.345ms",
                "[2026-12-06T04:20:06.000+0000] GC(2) Pause Remark 40M->40M(256M) 1.200ms",
                "[2026-12-06T04:20:06.500+0000] GC(2) Concurrent Mark Cycle 25.000ms",
                "[2026-12-06T04:20:09.000+0000] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 120M->20M(256M) 99.000ms");
        GcPauses inside = GcPauses.parse(log, Instant.parse("2026-12-06T04:20:02Z"), Instant.parse("2026-12-06T04:20:08Z"));
        assertThat(inside).isEqualTo(new GcPauses(2, 13.55, 12.35));
        assertThat(GcPauses.parse(log, Instant.parse("2026-12-06T05:00:00Z"), Instant.parse("2026-12-06T05:01:00Z")))
                .isEqualTo(GcPauses.NONE);
    }
}
