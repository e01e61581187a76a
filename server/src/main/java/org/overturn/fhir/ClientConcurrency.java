package org.overturn.fhir;

import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.overturn.platform.TokenFingerprint;
import org.jspecify.annotations.Nullable;

/**
 * How many requests each client has in progress, so that one client cannot hold every database connection (the pool
 * is shared by all). A client is its bearer token (a hash of it: tokens are never kept). Requests without a token are
 * not counted: with security on they are refused before they reach the database, and without it (development mode,
 * loopback only) a client's address says nothing, since every client on one machine or behind one proxy shares it.
 * Requests with a token that security refuses are turned away before they reach the database too, so made-up tokens
 * buy nothing.
 */
final class ClientConcurrency {
    private final int limit;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    ClientConcurrency(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Takes a place for {@code client}; false when it already has {@code limit} requests in progress. */
    boolean tryEnter(String client) {
        AtomicBoolean entered = new AtomicBoolean();
        inFlight.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= limit) {
                return now;
            }
            entered.set(true);
            return now + 1;
        });
        return entered.get();
    }

    void leave(String client) {
        inFlight.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The client a request counts against, or null when it is not counted (no bearer token). */
    static @Nullable String clientOf(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        return TokenFingerprint.of(authorization.trim());
    }
}
