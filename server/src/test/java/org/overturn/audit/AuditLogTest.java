package org.overturn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.overturn.store.ResourceStore;

class AuditLogTest {
    private final List<List<String>> stored = new ArrayList<>();

    /**
     * A store that keeps, per appended batch, the resource each event names, and runs {@code during} with the call's
     * number inside each append.
     */
    private ResourceStore store(Consumer<Integer> during) {
        return (ResourceStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ResourceStore.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("appendAudit")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    List<ResourceStore.AuditEntry> entries = (List<ResourceStore.AuditEntry>) args[0];
                    stored.add(entries.stream().map(e -> e.entities().get(0)).toList());
                    during.accept(stored.size());
                    return null;
                });
    }

    private static AuditRecord read(int n) {
        return new AuditRecord(Instant.parse("2026-12-07T10:00:00Z"), "GET", "Observation/" + n, null, 200,
                "https://issuer.example", "client", null, null, null, null, null);
    }

    private static AuditProperties properties(int batchSize) {
        return new AuditProperties(true, Duration.ofMillis(250), batchSize, 100);
    }

    @Test
    void aFlushStoresWhatWasRecordedBeforeItBeganAndLeavesLaterArrivalsToTheNext() {
        AuditLog[] log = new AuditLog[1];
        log[0] = new AuditLog(store(call -> {
            if (call == 1) { // requests answered while the first batch is being written
                log[0].record(read(4));
                log[0].record(read(5));
            }
        }), properties(500));
        for (int n = 1; n <= 3; n++) {
            log[0].record(read(n));
        }

        log[0].flush();
        assertThat(stored).containsExactly(List.of("Observation/1", "Observation/2", "Observation/3"));

        log[0].flush();
        assertThat(stored).containsExactly(List.of("Observation/1", "Observation/2", "Observation/3"),
                List.of("Observation/4", "Observation/5"));
    }

    @Test
    void aFlushSplitsWhatWaitsIntoBatches() {
        AuditLog log = new AuditLog(store(call -> {}), properties(2));
        for (int n = 1; n <= 5; n++) {
            log.record(read(n));
        }

        log.flush();

        assertThat(stored).containsExactly(List.of("Observation/1", "Observation/2"),
                List.of("Observation/3", "Observation/4"), List.of("Observation/5"));
    }

    @Test
    void aBatchTheStoreRefusedIsStoredFirstByTheNextFlush() {
        boolean[] refuse = {true};
        ResourceStore delegate = store(call -> {});
        AuditLog log = new AuditLog((ResourceStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ResourceStore.class}, (proxy, method, args) -> {
                    if (refuse[0]) {
                        throw new IllegalStateException("database unavailable");
                    }
                    delegate.appendAudit(castEntries(args[0]));
                    return null;
                }), properties(2));
        log.record(read(1));
        log.record(read(2));
        log.record(read(3));

        try {
            log.flush();
        } catch (IllegalStateException expected) {
            // the writer logs it and tries again at its next interval
        }
        log.record(read(4));
        refuse[0] = false;
        log.flush();

        assertThat(stored).containsExactly(List.of("Observation/1", "Observation/2"),
                List.of("Observation/3", "Observation/4"));
    }

    @SuppressWarnings("unchecked")
    private static List<ResourceStore.AuditEntry> castEntries(Object entries) {
        return (List<ResourceStore.AuditEntry>) entries;
    }
}
