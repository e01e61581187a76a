package org.overturn.security;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this server tells clients about its authorization: the SMART discovery document and the CapabilityStatement's
 * {@code rest.security} are both made from it.
 */
public final class SmartDiscovery {
    static final List<String> SCOPES = List.of(
            "openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
            "patient/*.read", "patient/*.rs", "patient/*.cruds", "user/*.read", "user/*.rs", "user/*.cruds",
            "system/*.read", "system/*.rs", "system/*.cruds");

    static final String OPENID = "sso-openid-connect";
    private static final Logger log = LoggerFactory.getLogger(SmartDiscovery.class);

    private final SmartSecurityProperties properties;
    private final List<String> capabilities;

    SmartDiscovery(SmartSecurityProperties properties) {
        this.properties = properties;
        // SMART: a server offering OpenID Connect names its issuer and key set; without them a client cannot check an
        // id token, so the capability is not claimed.
        boolean openIdNamed = issuer() != null && jwksUri() != null;
        if (!openIdNamed && properties.capabilities().contains(OPENID) && advertised()) {
            log.warn("overturn.security.capabilities lists {} but discovery cannot name the issuer and its key set"
                    + " (overturn.security.issuers[0]); it is not advertised", OPENID);
        }
        this.capabilities = properties.capabilities().stream()
                .filter(c -> openIdNamed || !OPENID.equals(c))
                .toList();
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

    /**
     * SMART App Launch 2.0 capabilities of the configured authorization server and this resource server: those
     * configured, less {@code sso-openid-connect} when the issuer or its key set is unknown.
     */
    List<String> capabilities() {
        return capabilities;
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
