package org.overturn.authserver;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.jspecify.annotations.Nullable;
import org.springframework.validation.annotation.Validated;

/**
 * The bundled authorization server, for development and tests only: it signs in anyone who can reach it (loopback
 * only) as one of the configured development users, so that the server, the SMART app and test suites have a real
 * OAuth 2.0 flow without an EHR. Production trusts the EHR's or payer's own authorization server instead
 * ({@code overturn.security.issuers}).
 *
 * @param enabled whether to serve it (profile {@code dev-auth} turns it on and makes the FHIR API trust it)
 * @param issuer the {@code iss} of its tokens: this server's origin, for example {@code http://127.0.0.1:8080}
 * @param tokenLifetime how long an access token lives
 * @param users who may sign in, each with the FHIR resource that stands for them ({@code fhirUser})
 * @param clients the registered client applications
 */
@Validated
@ConfigurationProperties("overturn.auth-server")
record AuthServerProperties(
        @DefaultValue("false") boolean enabled,
        @Nullable URI issuer,
        @NotNull @DefaultValue("1h") Duration tokenLifetime,
        @NotNull @DefaultValue List<@Valid User> users,
        @NotNull @DefaultValue List<@Valid Client> clients) {

    /**
     * A development user: a name to sign in with and, when set, the resource they are: {@code Practitioner/<id>} or
     * {@code Patient/<id>} of this server (stored at start), or the absolute URL of a resource elsewhere.
     */
    public record User(@NotBlank String username, @Nullable String fhirUser) {}

    /**
     * A registered client. Without {@code jwksUri} it is a public app (authorization code with PKCE S256, for EHR
     * and standalone launch); with it, a SMART Backend Services client (client credentials, authenticated by a JWT
     * signed with a key from that set, {@code private_key_jwt}).
     *
     * @param scopes the scopes it may ask for; {@code patient/*.rs} covers {@code patient/Observation.rs} and the like
     * @param redirectUris where a public app may receive its code (exact match)
     * @param jwksUri a backend client's public keys
     * @param signingAlgorithm the algorithm of a backend client's assertions (SMART: RS384 or ES384)
     */
    public record Client(
            @NotBlank String clientId,
            @NotNull @DefaultValue List<String> scopes,
            @NotNull @DefaultValue List<String> redirectUris,
            @Nullable URI jwksUri,
            @NotNull @DefaultValue("RS384") String signingAlgorithm) {

        public boolean backendService() {
            return jwksUri != null;
        }
    }
}
