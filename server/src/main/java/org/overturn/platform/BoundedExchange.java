package org.overturn.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP exchange with a system we do not own (payers, EHRs), bounded as a whole by one timeout. The request
 * timeout of {@code java.net.http} ends when the status line and headers arrive: a peer that then dribbles its body,
 * or never ends it, would hold the calling thread (a client's request, an outbox round, a fetch pool's thread) for as
 * long as it likes, and a blocked body read does not even notice an interrupt. Here the body is read under the same
 * deadline; when it passes, the body stream is closed, which ends the read and drops the connection.
 */
public final class BoundedExchange {
    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "http-exchange-deadline");
        t.setDaemon(true);
        return t;
    });

    private BoundedExchange() {}

    /** The status and the body's first bytes: at most {@code maxBytes + 1}, so that a caller can tell it was larger. */
    public record Answer(int status, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends the request and reads its answer, all within {@code timeout}.
     *
     * @throws HttpTimeoutException when the headers or the whole body did not arrive in time
     * @throws IOException when the exchange failed otherwise (connection refused, reset, malformed HTTP)
     */
    public static Answer send(HttpClient http, HttpRequest.Builder request, Duration timeout, long maxBytes)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<InputStream> response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> closer = CLOSER.schedule(() -> {
            late.set(true); // before the close: the reader it wakes must see why
            closeQuietly(body);
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try (body) {
            int limit = maxBytes >= Integer.MAX_VALUE - 8 ? Integer.MAX_VALUE - 8 : (int) Math.max(0, maxBytes) + 1;
            return new Answer(response.statusCode(), body.readNBytes(limit));
        } catch (IOException e) {
            if (late.get()) {
                throw new HttpTimeoutException("the answer did not end within " + timeout);
            }
            throw e;
        } finally {
            closer.cancel(false);
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // it is being abandoned either way
        }
    }
}
