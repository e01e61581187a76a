package org.overturn.security;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What this server tells clients about its authorization: the SMART discovery document and the CapabilityStatement's
 * {@code rest.security} are both made from it.
 */
public final class SmartDiscovery {
    static final List<String> SCOPES = List.of(
            "openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
            "patient/*.read", "patient/*.rs", "patient/*.cruds", "user/*.read", "user/*.rs", "user/*.cruds",
            "system/*.read", "system/*.rs", "system/*.cruds");

    private final SmartSecurityProperties properties;

    SmartDiscovery(SmartSecurityProperties properties) {
        this.properties = properties;
    }

    /** Whether there is an authorization server to advertise. */
    public boolean advertised() {
        return !properties.developmentMode()
                && properties.authorizationEndpoint() != null
                && properties.tokenEndpoint() != null;
    }

    public boolean developmentMode() {
        return properties.developmentMode();
    }

    /** SMART App Launch 2.0 capabilities of the configured authorization server and this resource server. */
    List<String> capabilities() {
        return properties.capabilities();
    }

    public @Nullable String authorizationEndpoint() {
        return properties.authorizationEndpoint() == null ? null : properties.authorizationEndpoint().toString();
    }

    public @Nullable String tokenEndpoint() {
        return properties.tokenEndpoint() == null ? null : properties.tokenEndpoint().toString();
    }

    /** The first trusted issuer (else the introspecting one): the authorization server the endpoints belong to. */
    @Nullable String issuer() {
        if (!properties.issuers().isEmpty()) {
            return properties.issuers().get(0).issuer();
        }
        return properties.introspection() == null ? null : properties.introspection().issuer();
    }

    @Nullable String introspectionEndpoint() {
        return properties.introspection() == null ? null : properties.introspection().uri().toString();
    }

    @Nullable String jwksUri() {
        return properties.issuers().isEmpty() ? null : properties.issuers().get(0).jwksUri().toString();
    }
}
