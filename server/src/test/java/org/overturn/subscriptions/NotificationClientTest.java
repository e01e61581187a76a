package org.overturn.subscriptions;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overturn.platform.HostAllowList;

/**
 * The endpoint is judged again at every delivery, not only when the Subscription was stored: a host whose name later
 * resolves to a loopback or private address (a DNS change, a rebinding attack) is not called.
 */
class NotificationClientTest {
    private static final Topic TOPIC = new Topic("http://x/SubscriptionTopic/t", "t", "Communication", "d", "s", "f", List.of());

    @Test
    void sendWhenTheEndpointNowReachesARefusedAddressThenNothingIsSentAndTheReasonNamesNoNetworkDetail() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(500);
            // Stored when it was allowed; now the allow-list (as any name resolving to 127.0.0.1) refuses it.
            URI endpoint = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/hook");
            NotificationClient client = new NotificationClient(Duration.ofSeconds(2),
                    new HostAllowList(List.of(), false, "endpoint", "overturn.subscriptions.allowed-hosts"));

            String failure = client.send(subscription(endpoint), "{}", Duration.ofSeconds(2));

            assertThat(failure).contains("not allowed").doesNotContain("127.0.0.1").doesNotContain("Exception");
            assertThatThrownBy(listener::accept).as("no connection was made").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void sendWhenTheEndpointIsStillAllowedThenItIsCalled() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(5000);
            URI endpoint = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/hook");
            NotificationClient client = new NotificationClient(Duration.ofSeconds(2),
                    new HostAllowList(List.of(), true, "endpoint", "overturn.subscriptions.allowed-hosts"));
            Thread sender = new Thread(() -> client.send(subscription(endpoint), "{}", Duration.ofSeconds(1)));
            sender.start();
            try (var accepted = listener.accept()) {
                assertThat(accepted.isConnected()).as("the allowed endpoint was called").isTrue();
            }
            sender.join(5000);
        }
    }

    @Test
    void sendWhenTheEndpointSendsHeadersThenNeverEndsItsBodyThenAFailedDeliveryWithinTheTimeout() {
        WireMockServer endpoint = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        endpoint.start();
        try {
            // A 200 at once, then an answer that trickles on for a minute: not a delivery until the answer has ended.
            endpoint.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200).withBody("ok".repeat(1000))
                    .withChunkedDribbleDelay(60, 60_000)));
            NotificationClient client = new NotificationClient(Duration.ofSeconds(2),
                    new HostAllowList(List.of(), true, "endpoint", "overturn.subscriptions.allowed-hosts"));
            URI hook = URI.create("http://127.0.0.1:" + endpoint.port() + "/hook");

            String failure = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> client.send(subscription(hook), "{}", Duration.ofSeconds(1)),
                    "the delivery must end at its timeout, not when the endpoint ends its answer");

            assertThat(failure).isEqualTo("no answer within 1 s");
        } finally {
            endpoint.stop();
        }
    }

    private static BackportSubscription subscription(URI endpoint) {
        return new BackportSubscription(TOPIC, List.of(), endpoint, List.of(), "application/fhir+json", "id-only", null, null);
    }
}
