package org.overturn.payers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.overturn.platform.BoundedExchange;
import org.jspecify.annotations.Nullable;

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4) for payers that issue access tokens, the client authenticated
 * with its secret or a signed assertion ({@link ClientAssertions}): one token per route,
 * cached until shortly before it expires, fetched by one thread while the others wait for it, and replaced when the
 * payer refuses it. Tokens live in memory only; each server instance fetches its own.
 */
final class AccessTokens {
    /** A token is renewed this long before its {@code expires_in} ends (or at half its life, if shorter). */
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);
    /** Assumed lifetime when the token endpoint does not say. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    AccessTokens(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** The token endpoint could not give a token: unreachable, an error answer, or an answer without a token. */
    static final class TokenException extends Exception {
        TokenException(String message) {
            super(message);
        }
    }

    private record Token(String value, Instant renewAt) {}

    /** One route's token; its lock makes concurrent callers wait for a single fetch. */
    private static final class Slot {
        private @Nullable Token token;
    }

    /** A valid token for the route, from the cache or fetched now. */
    String token(PayerRoute route) throws TokenException {
        Slot slot = slots.computeIfAbsent(key(route), k -> new Slot());
        synchronized (slot) {
            if (slot.token == null || !clock.instant().isBefore(slot.token.renewAt())) {
                slot.token = fetch(route);
            }
            return slot.token.value();
        }
    }

    /**
     * The payer refused {@code refused}: forget it so the next {@link #token} fetches another. A token another thread
     * has already replaced is left alone, so one refusal never costs two fetches.
     */
    void refused(PayerRoute route, String refused) {
        Slot slot = slots.get(key(route));
        if (slot != null) {
            synchronized (slot) {
                if (slot.token != null && slot.token.value().equals(refused)) {
                    slot.token = null;
                }
            }
        }
    }

    private Token fetch(PayerRoute route) throws TokenException {
        PayerRoute.OAuth oauth = Objects.requireNonNull(route.oauth(), "tokens are fetched for OAuth routes only");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (oauth.scope() != null && !oauth.scope().isBlank()) {
            form.put("scope", oauth.scope());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(oauth.tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (oauth.clientAuthentication() == PayerRoute.ClientAuthentication.CLIENT_SECRET_BASIC) {
            // RFC 6749 2.3.1: id and secret are form-encoded before they are joined.
            String secret = Objects.requireNonNull(oauth.clientSecret(), "PayerRoute.OAuth requires it for client-secret-basic");
            String pair = formEncode(oauth.clientId()) + ":" + formEncode(secret);
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else if (oauth.clientAuthentication() == PayerRoute.ClientAuthentication.CLIENT_SECRET_POST) {
            form.put("client_id", oauth.clientId());
            form.put("client_secret", oauth.clientSecret());
        } else {
            form.put("client_assertion_type", ClientAssertions.TYPE);
            form.put("client_assertion", ClientAssertions.sign(oauth, clock.instant()));
        }
        String body = form.entrySet().stream().map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        BoundedExchange.Answer response;
        try {
            response = BoundedExchange.send(http, request.POST(HttpRequest.BodyPublishers.ofString(body)), route.timeout(),
                    Long.MAX_VALUE);
        } catch (HttpTimeoutException e) {
            throw new TokenException("the token endpoint " + oauth.tokenUrl() + " timed out after " + route.timeout());
        } catch (IOException e) {
            throw new TokenException("could not reach the token endpoint " + oauth.tokenUrl() + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while fetching a token");
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (response.status() != 200) {
            String error = json != null && json.hasNonNull("error") ? " (" + json.path("error").asText() + ")" : "";
            throw new TokenException("the token endpoint " + oauth.tokenUrl() + " answered HTTP " + response.status() + error);
        }
        if (json == null || !json.path("access_token").isTextual() || json.path("access_token").asText().isBlank()) {
            throw new TokenException("the token endpoint " + oauth.tokenUrl() + " answered without an access_token");
        }
        if (json.hasNonNull("token_type") && !"bearer".equalsIgnoreCase(json.path("token_type").asText())) {
            throw new TokenException("the token endpoint " + oauth.tokenUrl() + " issued a " + json.path("token_type").asText()
                    + " token; only bearer tokens are supported");
        }
        Duration lifetime = json.path("expires_in").canConvertToLong() && json.path("expires_in").asLong() > 0
                ? Duration.ofSeconds(json.path("expires_in").asLong()) : DEFAULT_LIFETIME;
        Duration margin = lifetime.dividedBy(2).compareTo(RENEW_BEFORE_EXPIRY) < 0 ? lifetime.dividedBy(2) : RENEW_BEFORE_EXPIRY;
        return new Token(json.path("access_token").asText(), clock.instant().plus(lifetime).minus(margin));
    }

    private static String key(PayerRoute route) {
        return route.identifier() + " " + route.endpoint();
    }

    private static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
