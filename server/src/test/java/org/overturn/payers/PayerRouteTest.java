package org.overturn.payers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayerRouteTest {
    private static final PayerRoute.OAuth OAUTH = new PayerRoute.OAuth(URI.create("https://payer.example.org/token"),
            "overturn", "s3cret", "system/Claim.write", PayerRoute.ClientAuthentication.CLIENT_SECRET_BASIC, null);

    @Test
    void routeWhenBothBearerTokenAndOAuthThenRefusedSayingWhich() {
        assertThatThrownBy(() -> new PayerRoute("http://x|p", URI.create("https://payer.example.org/fhir"), "token", OAUTH,
                Duration.ofSeconds(5), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("either bearer-token or oauth, not both");
    }

    @Test
    void oauthWhenCredentialMissingForItsAuthenticationThenRefusedNamingTheKey() {
        URI token = URI.create("https://payer.example.org/token");
        assertThatThrownBy(() -> new PayerRoute.OAuth(token, "overturn", null, null, PayerRoute.ClientAuthentication.CLIENT_SECRET_POST, null))
                .hasMessageContaining("client-secret-post needs oauth.client-secret");
        assertThatThrownBy(() -> new PayerRoute.OAuth(token, "overturn", null, null, PayerRoute.ClientAuthentication.PRIVATE_KEY_JWT, null))
                .hasMessageContaining("private-key-jwt needs oauth.private-key");
        assertThatThrownBy(() -> new PayerRoute.OAuth(token, "overturn", null, null, PayerRoute.ClientAuthentication.PRIVATE_KEY_JWT,
                "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}"))
                .hasMessageContaining("must be a private EC or RSA key");
    }

    @Test
    void routeWhenPrintedThenNeitherTokenNorSecretAppears() {
        PayerRoute route = new PayerRoute("http://x|p", URI.create("https://payer.example.org/fhir"), null, OAUTH,
                Duration.ofSeconds(5), false);
        assertThat(route.toString() + route.oauth()).doesNotContain("s3cret");
        PayerRoute bearer = new PayerRoute("http://x|p", URI.create("https://payer.example.org/fhir"), "tok-123", null,
                Duration.ofSeconds(5), false);
        assertThat(bearer.toString()).doesNotContain("tok-123");
    }

    @Test
    void resolveWhenEndpointWithOrWithoutSlashThenOnePathSeparator() {
        PayerRoute plain = new PayerRoute("a|b", URI.create("https://payer.example.org/fhir"), null, null, Duration.ofSeconds(5), false);
        PayerRoute slash = new PayerRoute("a|b", URI.create("https://payer.example.org/fhir/"), null, null, Duration.ofSeconds(5), false);
        assertThat(plain.resolve("Claim/$submit")).hasToString("https://payer.example.org/fhir/Claim/$submit");
        assertThat(slash.resolve("Claim/$submit")).hasToString("https://payer.example.org/fhir/Claim/$submit");
    }

    @Test
    void eligibilityRouteWhenRouteDoesNotForwardEligibilityThenNone() {
        PayerRoutes routes = new PayerRoutes(List.of(
                new PayerRoute("s|pa-only", URI.create("https://a.example.org"), null, null, Duration.ofSeconds(5), false),
                new PayerRoute("s|both", URI.create("https://b.example.org"), null, null, Duration.ofSeconds(5), true)));
        assertThat(routes.route(List.of("s|pa-only"))).isPresent();
        assertThat(routes.eligibilityRoute(List.of("s|pa-only"))).isEmpty();
        assertThat(routes.eligibilityRoute(List.of("other|x", "s|both")).map(PayerRoute::endpoint))
                .contains(URI.create("https://b.example.org"));
        assertThat(routes.byEndpoint("https://gone.example.org").identifier()).isEqualTo("https://gone.example.org");
    }
}
