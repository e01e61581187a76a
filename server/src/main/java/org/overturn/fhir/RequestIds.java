package org.overturn.fhir;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.jspecify.annotations.Nullable;

/** The request id of the current request, kept in the logging context so every log line carries it. */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private RequestIds() {}

    /** The client's id when it is sane (we echo it into logs and headers), else a new one. */
    static String accept(@Nullable String fromClient) {
        if (fromClient != null && SANE.matcher(fromClient).matches()) {
            return fromClient;
        }
        return newId();
    }

    /**
     * A random (version 4) UUID from the thread's own generator: a request id tells requests apart in logs and is
     * echoed to the caller, it guards nothing, so it needs no SecureRandom (whose shared source every request would
     * otherwise queue on).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    static @Nullable String current() {
        return MDC.get(MDC_KEY);
    }
}
