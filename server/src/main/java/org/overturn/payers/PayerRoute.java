package org.overturn.payers;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.jspecify.annotations.Nullable;

/**
 * A payer reached over HTTP: {@code overturn.pas.payers[n]}. It is authenticated with either a static bearer token
 * or OAuth 2.0 client credentials, never both.
 *
 * @param identifier the payer Organization's identifier, {@code system|value} (Claim.insurer and Coverage.payor are
 *     matched on it)
 * @param endpoint the payer's FHIR base; PA requests go to {@code endpoint/Claim/$submit}
 * @param bearerToken a static bearer token the payer issued, if it wants one
 * @param oauth OAuth 2.0 client credentials, if the payer issues tokens that way
 * @param timeout how long one call to the payer may take
 * @param eligibility whether CoverageEligibilityRequests for this payer go to {@code endpoint/CoverageEligibilityRequest/$submit}
 *     instead of being answered from the knowledge
 */
public record PayerRoute(
        @NotBlank String identifier,
        @NotNull URI endpoint,
        @Nullable String bearerToken,
        @Nullable @Valid OAuth oauth,
        @NotNull @DefaultValue("10s") Duration timeout,
        @DefaultValue("false") boolean eligibility) {

    public PayerRoute {
        if (bearerToken != null && !bearerToken.isBlank() && oauth != null) {
            throw new IllegalArgumentException("payer " + identifier + ": set either bearer-token or oauth, not both");
        }
    }

    /** The route of an outbox row whose endpoint is no longer configured: no credentials, default timeout. */
    public static PayerRoute unconfigured(String endpoint) {
        return new PayerRoute(endpoint, URI.create(endpoint), null, null, Duration.ofSeconds(10), false);
    }

    /** A URL under the payer's FHIR base, e.g. {@code Claim/$submit}. */
    public URI resolve(String path) {
        String base = endpoint.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + path);
    }

    /**
     * OAuth 2.0 client credentials (RFC 6749 section 4.4).
     *
     * @param tokenUrl the payer's token endpoint
     * @param clientId the client id the payer registered for this server
     * @param clientSecret the client secret (client-secret-basic and client-secret-post)
     * @param scope the scope to ask for (space-separated), if the payer wants one
     * @param clientAuthentication how the client proves who it is: {@code client-secret-basic} (HTTP Basic, RFC 6749
     *     2.3.1), {@code client-secret-post} (form fields) or {@code private-key-jwt} (a signed assertion, RFC 7523, as
     *     SMART Backend Services asks)
     * @param privateKey for private-key-jwt: the signing key as a JWK (JSON, with its private part, {@code kid} and
     *     {@code alg}; EC or RSA), whose public part the payer has registered
     */
    public record OAuth(
            @NotNull URI tokenUrl,
            @NotBlank String clientId,
            @Nullable String clientSecret,
            @Nullable String scope,
            @NotNull @DefaultValue("client-secret-basic") ClientAuthentication clientAuthentication,
            @Nullable String privateKey) {

        public OAuth {
            if (clientAuthentication == ClientAuthentication.PRIVATE_KEY_JWT) {
                if (privateKey == null || privateKey.isBlank()) {
                    throw new IllegalArgumentException("oauth client " + clientId + ": private-key-jwt needs oauth.private-key");
                }
                ClientAssertions.signingKey(privateKey); // refuses a key it cannot sign with, at start-up
            } else if (clientSecret == null || clientSecret.isBlank()) {
                throw new IllegalArgumentException("oauth client " + clientId + ": " + clientAuthentication.name().toLowerCase(
                        java.util.Locale.ROOT).replace('_', '-') + " needs oauth.client-secret");
            }
        }

        @Override
        public String toString() {
            return "OAuth[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", scope=" + scope + "]"; // never the secret
        }
    }

    /** How the client secret is sent to the token endpoint. */
    public enum ClientAuthentication { CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT }

    @Override
    public String toString() {
        return "PayerRoute[" + identifier + " at " + endpoint + "]"; // never a token
    }
}
