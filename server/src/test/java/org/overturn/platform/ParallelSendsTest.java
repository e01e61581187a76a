package org.overturn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelSendsTest {
    private final ParallelSends sends = new ParallelSends("test-send", 2);

    @AfterEach
    void stop() {
        sends.shutdown();
    }

    @Test
    void sendAllWhenOneUnitFailsThenTheOthersAreStillSentAsTheServersOwnWork() {
        Map<String, String> sentAs = new ConcurrentHashMap<>();
        sends.sendAll(List.of("a", "boom", "c"), unit -> {
            if (unit.equals("boom")) {
                throw new IllegalStateException("endpoint down");
            }
            sentAs.put(unit, String.valueOf(SystemWork.current()));
        });
        assertThat(sentAs).containsExactlyInAnyOrderEntriesOf(Map.of("a", "test-send", "c", "test-send"));
    }

    @Test
    void sendAllWhenTwoUnitsWaitForEachOtherThenBothRunAtOnce() {
        // Each unit waits for the other to start: sent one after the other, neither would see the other in time.
        CountDownLatch started = new CountDownLatch(2);
        Map<String, Boolean> sawTheOther = new ConcurrentHashMap<>();
        sends.sendAll(List.of("slow payer", "fast payer"), unit -> {
            started.countDown();
            try {
                sawTheOther.put(unit, started.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(sawTheOther).containsExactlyInAnyOrderEntriesOf(Map.of("slow payer", true, "fast payer", true));
    }

    @Test
    void sendAllWhenNothingWasClaimedThenItReturnsAtOnce() {
        sends.sendAll(List.<String>of(), unit -> {
            throw new AssertionError("nothing to send");
        });
        assertThat(SystemWork.current()).isNull();
    }
}
