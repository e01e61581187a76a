package org.overturn.fhir;

import java.util.UUID;
import org.slf4j.MDC;
import org.jspecify.annotations.Nullable;

/** The request id of the current request, kept in the logging context so every log line carries it. */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";

    private RequestIds() {}

    /** The client's id when it is sane (we echo it into logs and headers), else a new one. */
    static String accept(@Nullable String fromClient) {
        if (fromClient != null && fromClient.matches("[A-Za-z0-9._:-]{1,64}")) {
            return fromClient;
        }
        return UUID.randomUUID().toString();
    }

    static @Nullable String current() {
        return MDC.get(MDC_KEY);
    }
}
