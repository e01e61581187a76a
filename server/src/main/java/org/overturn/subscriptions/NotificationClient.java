package org.overturn.subscriptions;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.overturn.platform.BoundedExchange;
import org.overturn.platform.HostAllowList;
import org.jspecify.annotations.Nullable;

/**
 * POSTs a notification to a rest-hook endpoint with the Subscription's headers, as given. The endpoint is checked
 * against the allow-list again before each delivery: its name may resolve elsewhere than when the Subscription was
 * stored (the JVM's own 30 s address cache then keeps the check and the connection on the same address). Redirects
 * are not followed (a redirect target was never checked), and the answer's body is read only to its end (at most
 * 64 KiB): the delivery ends within its timeout, the answer's end included, and an answer that does not end in time is a
 * failed delivery, tried again by the worker's backoff.
 */
final class NotificationClient {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NotificationClient.class);

    /** Beyond this much the answer is not read: what a rest-hook endpoint answers means nothing to us but its status. */
    private static final long MAX_ANSWER_BYTES = 64 * 1024;

    private final HttpClient http;
    private final HostAllowList hosts;

    NotificationClient(Duration connectTimeout, HostAllowList hosts) {
        this.hosts = hosts;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Null when the endpoint answered 2xx, else what went wrong. */
    @Nullable
    String send(BackportSubscription subscription, String body, Duration timeout) {
        if (hosts.refusal(subscription.endpoint()) != null) {
            // Why goes to the log only: the subscriber would learn what its name resolves to inside our network.
            log.info("Notification to {} not sent: the endpoint is no longer allowed", subscription.endpoint().getHost());
            return "the endpoint is not allowed now (overturn.subscriptions.allowed-hosts); nothing was sent";
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(subscription.endpoint())
                .header("Content-Type", subscription.mimeType())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (BackportSubscription.Header header : subscription.headers()) {
            request.header(header.name(), header.value());
        }
        try {
            // Bounded as a whole, the answer's body included: an endpoint that sends its headers and never ends its body
            // would otherwise hold a delivery thread for good. Only an answer that ends (or passes the cap) is a delivery.
            int status = BoundedExchange.send(http, request, timeout, MAX_ANSWER_BYTES).status();
            return status >= 200 && status < 300 ? null : "the endpoint answered HTTP " + status;
        } catch (HttpTimeoutException e) {
            return "no answer within " + timeout.toSeconds() + " s";
        } catch (IOException e) {
            // Which failure it was (refused, reset, unknown host) goes to the log only: told to the subscriber, it would
            // make Subscriptions a way to map which ports answer where.
            log.info("Notification to {} failed: {}", subscription.endpoint().getHost(), e.getClass().getSimpleName());
            return "the endpoint could not be reached";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (IllegalArgumentException e) {
            return "a header was refused by the HTTP client: " + e.getMessage();
        }
    }
}
