package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** With no trusted issuer the server asks for no token, and says so; it has no authorization server to advertise. */
public interface DevelopmentModeContract extends FhirHttp {

    @Test
    default void capabilityStatementWhenNoIssuerThenSaysDevelopmentMode() {
        JsonNode security = get("metadata").json().path("rest").get(0).path("security");
        assertThat(security.path("cors").asBoolean()).isTrue();
        assertThat(security.path("description").asText()).startsWith("DEVELOPMENT MODE");
        assertThat(security.has("service")).isFalse();
    }

    @Test
    default void requestWhenNoIssuerThenNoTokenNeededAndAnyTokenIgnored() {
        assertThat(get("Patient?_count=1").status()).isEqualTo(200);
        assertThat(get("Patient?_count=1", "Authorization", "Bearer not.a.token").status()).isEqualTo(200);
    }

    @Test
    default void smartDiscoveryWhenNoAuthorizationServerThenNotFound() {
        assertThat(get(".well-known/smart-configuration").status()).isEqualTo(404);
    }
}
