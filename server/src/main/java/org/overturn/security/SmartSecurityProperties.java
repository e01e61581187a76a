package org.overturn.security;

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
 * SMART on FHIR authorization of the FHIR API. With no trusted issuer the server runs in development mode: no token
 * is needed and it binds to loopback only.
 *
 * @param issuers the trusted token issuers, each with the JWKS its tokens are signed with (never a token's jku/x5u)
 * @param audience the {@code aud} every token must carry; unset = {@code overturn.fhir.base-url} (one of the two is
 *     required once an issuer is configured)
 * @param clockSkew leeway on {@code exp} and {@code nbf}
 * @param jwksTimeout connect and read timeout when fetching an issuer's JWKS
 * @param authorizationEndpoint the authorization server's authorize URL, advertised in discovery
 * @param tokenEndpoint the authorization server's token URL, advertised in discovery
 * @param capabilities the SMART capabilities advertised in discovery (those of the authorization server in front)
 * @param introspection an authorization server that answers for opaque tokens (RFC 7662), and for JWTs of issuers not
 *     listed in {@code issuers}; unset: only JWTs of the trusted issuers are accepted
 * @param sharedTypes types no patient compartment holds (directories, forms) that a patient scope reads and searches
 *     whole: {@code patient/Practitioner.rs} reads every Practitioner, as a letter for the patient names its prescriber
 */
@Validated
@ConfigurationProperties("overturn.security")
record SmartSecurityProperties(
        @NotNull @DefaultValue List<@Valid Issuer> issuers,
        @Nullable String audience,
        @NotNull @DefaultValue("60s") Duration clockSkew,
        @NotNull @DefaultValue("5s") Duration jwksTimeout,
        @Nullable URI authorizationEndpoint,
        @Nullable URI tokenEndpoint,
        @NotNull @DefaultValue({
                    "launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric",
                    "client-confidential-asymmetric", "context-ehr-patient", "context-standalone-patient",
                    "permission-patient", "permission-user", "permission-v1", "permission-v2", "sso-openid-connect"
                })
                List<String> capabilities,
        @Nullable @Valid Introspection introspection,
        @NotNull @DefaultValue({
                    "Organization", "Practitioner", "PractitionerRole", "Location", "HealthcareService", "Endpoint",
                    "Medication", "Questionnaire", "InsurancePlan"
                })
                List<String> sharedTypes) {

    /** A trusted issuer: the exact {@code iss} of its tokens and the URL of its JSON Web Key Set. */
    public record Issuer(@NotBlank String issuer, @NotNull URI jwksUri) {}

    /**
     * Token introspection (RFC 7662): the endpoint, and the resource server's own credentials there (HTTP Basic).
     *
     * @param issuer names the authorization server when its answers carry no {@code iss} (for logs, audit and the
     *     client that owns a Subscription)
     * @param cacheFor how long an active answer is reused for the same token (never past the token's {@code exp}):
     *     a token withdrawn at the server still works that long here
     */
    public record Introspection(
            @NotNull URI uri,
            @NotBlank String clientId,
            @NotBlank String clientSecret,
            @Nullable String issuer,
            @NotNull @DefaultValue("60s") Duration cacheFor) {}

    /** Development mode: no trusted issuer and no introspection configured, so the FHIR API asks for no token. */
    public boolean developmentMode() {
        return issuers.isEmpty() && introspection == null;
    }
}
