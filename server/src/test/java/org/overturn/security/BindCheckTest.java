package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class BindCheckTest {

    @Test
    void developmentModeWhenNoAddressThenLoopback() {
        assertThat(BindCheck.bindAddress(true, false, null)).isEqualTo(InetAddress.getLoopbackAddress());
    }

    @Test
    void developmentModeWhenLoopbackAddressThenKept() throws UnknownHostException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertThat(BindCheck.bindAddress(true, false, loopback)).isEqualTo(loopback);
        InetAddress v6 = InetAddress.getByName("::1");
        assertThat(BindCheck.bindAddress(true, false, v6)).isEqualTo(v6);
    }

    @Test
    void developmentModeWhenPublicAddressThenStartRefusedWithHowToConfigureAnIssuer() throws UnknownHostException {
        for (String address : new String[] {"0.0.0.0", "192.0.2.10", "::"}) {
            assertThatThrownBy(() -> BindCheck.bindAddress(true, false, InetAddress.getByName(address)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("A trusted issuer must be configured")
                    .hasMessageContaining("overturn.security.issuers[0].issuer=")
                    .hasMessageContaining("overturn.security.issuers[0].jwks-uri=");
        }
    }

    @Test
    void issuerConfiguredWhenAnyAddressThenKept() throws UnknownHostException {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertThat(BindCheck.bindAddress(false, false, any)).isEqualTo(any);
        assertThat(BindCheck.bindAddress(false, false, null)).isNull();
    }

    @Test
    void developmentAuthServerWhenNonLoopbackThenStartRefused() throws UnknownHostException {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertThatThrownBy(() -> BindCheck.bindAddress(false, true, any))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("development authorization server")
                .hasMessageContaining("overturn.security.issuers");
        assertThat(BindCheck.bindAddress(false, true, null)).isEqualTo(InetAddress.getLoopbackAddress());
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertThat(BindCheck.bindAddress(false, true, loopback)).isEqualTo(loopback);
    }

    @Test
    void issuerConfiguredWhenNoAudienceNorBaseUrlThenStartRefused() {
        var properties = new SmartSecurityProperties(
                java.util.List.of(new SmartSecurityProperties.Issuer("https://auth.test", java.net.URI.create("https://auth.test/jwks"))),
                null, java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(5), null, null, java.util.List.of(),
                null, java.util.List.of());
        assertThatThrownBy(() -> SecurityConfig.audience(properties, ""))
                .hasMessageContaining("overturn.security.audience");
        assertThat(SecurityConfig.audience(properties, "https://fhir.test/fhir")).isEqualTo("https://fhir.test/fhir");
    }
}
