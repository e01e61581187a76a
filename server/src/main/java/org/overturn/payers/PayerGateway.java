package org.overturn.payers;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.overturn.platform.BoundedExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one way to a payer: a FHIR JSON POST to a path under the route's endpoint, with the route's credentials (a
 * static bearer token, or an OAuth client-credentials token that is renewed once when the payer answers 401), its
 * timeout, and its circuit breaker. What the answer means is the caller's business (PAS, eligibility); this class
 * only says whether the payer answered, refused, or could not be reached, and whether it may have the request.
 */
public final class PayerGateway {
    private static final Logger log = LoggerFactory.getLogger(PayerGateway.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final FhirContext ctx;
    private final HttpClient http;
    private final AccessTokens tokens;
    private final PayerProperties.Breaker breakerSettings;
    private final MeterRegistry meters;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    PayerGateway(FhirContext ctx, PayerProperties properties, MeterRegistry meters, Clock clock) {
        this.ctx = ctx;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.tokens = new AccessTokens(http, clock);
        this.breakerSettings = properties.outbox().breaker();
        this.meters = meters;
        properties.payers().forEach(this::breaker);
    }

    /** What came of a call. */
    public sealed interface Reply {}

    /** 2xx; {@code body} is what it carried, or null when that was not a FHIR resource in JSON. */
    public record Answered(int status, @Nullable IBaseResource body) implements Reply {}

    /** 4xx other than 408 and 429: the payer will not take this request as it is. */
    public record Refused(int status, OperationOutcome outcome) implements Reply {}

    /**
     * Worth another try later: a timeout, connection failure, 408, 429, 5xx, or no token from the token endpoint.
     *
     * @param maybeReceived whether the payer may have taken the request all the same (the call timed out or broke
     *     after it was sent, or the payer failed while handling it)
     */
    public record Failed(String reason, boolean maybeReceived) implements Reply {}

    /** The payer's circuit breaker is open: nothing was sent. */
    public record Open(Instant retryAt) implements Reply {}

    /** Whether a call to the payer may go out now (its circuit breaker); a caller that gets true must then call. */
    public boolean tryAcquire(PayerRoute route, Instant now) {
        return breaker(route).tryAcquire(now);
    }

    /** When a call the breaker refused may be tried again ({@code soon} while a half-open trial is running). */
    public Instant retryAt(PayerRoute route, Instant now, Duration soon) {
        return breaker(route).retryAt(now, soon);
    }

    /** {@link #tryAcquire} and {@link #exchange} in one: an open breaker answers {@link Open}. */
    public Reply call(PayerRoute route, String path, String json, Instant now) {
        if (!tryAcquire(route, now)) {
            return new Open(retryAt(route, now, Duration.ofSeconds(1)));
        }
        return exchange(route, path, json, now);
    }

    /**
     * POSTs {@code json} to {@code path} under the route's endpoint, once the breaker let it through; the outcome is
     * counted by the breaker (timeouts, connection failures and 5xx against the payer, any answer for it).
     */
    public Reply exchange(PayerRoute route, String path, String json, Instant now) {
        Reply reply = send(route, path, json, false);
        CircuitBreaker breaker = breaker(route);
        if (reply instanceof Failed failed) {
            breaker.failed(now, failed.reason());
        } else {
            breaker.succeeded();
        }
        return reply;
    }

    private Reply send(PayerRoute route, String path, String json, boolean renewed) {
        String token;
        try {
            token = route.oauth() != null ? tokens.token(route) : route.bearerToken();
        } catch (AccessTokens.TokenException e) {
            return new Failed("no access token: " + e.getMessage(), false);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(route.resolve(path))
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        BoundedExchange.Answer response;
        try {
            // The whole answer within the timeout: a payer that sends headers and never ends its body is a timeout too.
            response = BoundedExchange.send(http, request, route.timeout(), Long.MAX_VALUE);
        } catch (HttpConnectTimeoutException e) {
            return new Failed("could not connect to the payer within " + CONNECT_TIMEOUT, false);
        } catch (HttpTimeoutException e) {
            return new Failed("timed out after " + route.timeout(), true);
        } catch (ConnectException e) {
            return new Failed("could not reach the payer: connection refused", false);
        } catch (IOException e) {
            // Not the exception's name or message: this reason reaches clients, and a payer's garbage can be in it.
            return new Failed("could not reach the payer: the connection broke or the answer was not HTTP", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted", true);
        }
        int status = response.status();
        if (status == 401 && route.oauth() != null && !renewed) {
            // The token may have been revoked or expired early: one fresh token, one more try.
            log.info("Payer {} refused its access token (HTTP 401); fetching a new one", route.identifier());
            tokens.refused(route, Objects.requireNonNull(token, "an OAuth route's token came from its token endpoint"));
            return send(route, path, json, true);
        }
        if (status == 408 || status == 429 || status == 503) {
            return new Failed("HTTP " + status, false);
        }
        if (status >= 500) {
            return new Failed("HTTP " + status, true);
        }
        IBaseResource body = parse(response.text());
        if (status >= 400) {
            OperationOutcome outcome = body instanceof OperationOutcome oo ? oo : new OperationOutcome();
            if (!outcome.hasIssue()) {
                outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING)
                        .setDiagnostics("The payer answered HTTP " + status + " without an OperationOutcome");
            }
            return new Refused(status, outcome);
        }
        if (status >= 300) {
            return new Failed("HTTP " + status + " (redirects are not followed)", false);
        }
        return new Answered(status, body);
    }

    /** What the payer sent, read leniently (a payer's extra elements are not our client's error); null if not FHIR. */
    private @Nullable IBaseResource parse(String body) {
        try {
            return ctx.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false)).parseResource(body);
        } catch (DataFormatException | IllegalArgumentException e) {
            return null;
        }
    }

    private CircuitBreaker breaker(PayerRoute route) {
        return breakers.computeIfAbsent(route.endpoint().toString(), endpoint -> {
            CircuitBreaker breaker = new CircuitBreaker(route.identifier(), breakerSettings.failureThreshold(),
                    breakerSettings.openDuration());
            Gauge.builder("overturn.payer.breaker.open", breaker, b -> b.state() == CircuitBreaker.State.CLOSED ? 0 : 1)
                    .description("1 while the payer's circuit breaker on this instance is open or half-open")
                    .tag("payer", route.identifier())
                    .register(meters);
            return breaker;
        });
    }
}
