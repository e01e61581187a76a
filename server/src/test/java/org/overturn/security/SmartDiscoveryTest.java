package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmartDiscoveryTest {
    private static final List<String> CAPABILITIES = List.of("launch-ehr", "permission-v2", "sso-openid-connect");

    @Test
    void openIdWhenIssuerAndKeySetKnownThenAdvertisedWithBoth() {
        SmartDiscovery discovery = new SmartDiscovery(properties(
                List.of(new SmartSecurityProperties.Issuer("https://auth.test", URI.create("https://auth.test/jwks"))), null));
        assertThat(discovery.capabilities()).containsExactlyElementsOf(CAPABILITIES);
        assertThat(discovery.issuer()).isEqualTo("https://auth.test");
        assertThat(discovery.jwksUri()).isEqualTo("https://auth.test/jwks");
    }

    @Test
    void openIdWhenOnlyIntrospectionThenNotAdvertisedForNoKeySetCanBeNamed() {
        SmartDiscovery discovery = new SmartDiscovery(properties(List.of(), new SmartSecurityProperties.Introspection(
                URI.create("https://auth.test/introspect"), "rs", "secret", "https://auth.test", Duration.ofSeconds(60))));
        assertThat(discovery.advertised()).isTrue();
        assertThat(discovery.jwksUri()).isNull();
        assertThat(discovery.capabilities()).containsExactly("launch-ehr", "permission-v2");
    }

    private static SmartSecurityProperties properties(List<SmartSecurityProperties.Issuer> issuers,
            SmartSecurityProperties.Introspection introspection) {
        return new SmartSecurityProperties(issuers, "https://fhir.test/fhir", Duration.ofSeconds(60), Duration.ofSeconds(5),
                URI.create("https://auth.test/authorize"), URI.create("https://auth.test/token"), CAPABILITIES,
                introspection, List.of());
    }
}
