package org.overturn.security;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * Where the server may listen. Without a trusted token issuer (development mode) the FHIR API answers anyone, so it
 * listens on loopback only: 127.0.0.1 when {@code server.address} is unset, and a non-loopback address stops
 * start-up with a message saying how to configure an issuer. The bundled development authorization server signs in
 * anyone who reaches it, so it too keeps the server on loopback.
 */
final class BindCheck {
    private BindCheck() {}

    static @Nullable InetAddress bindAddress(
            boolean developmentMode, boolean developmentAuthServer, @Nullable InetAddress configured) {
        if (developmentAuthServer && configured != null && !configured.isLoopbackAddress()) {
            throw new IllegalStateException("server.address=" + configured.getHostAddress() + " is not a loopback"
                    + " address, and the development authorization server (overturn.auth-server.enabled, profile"
                    + " dev-auth) signs in anyone who reaches it. Turn it off and trust your EHR's or payer's"
                    + " authorization server (overturn.security.issuers), or leave server.address unset.");
        }
        if (developmentAuthServer && configured == null) {
            return InetAddress.getLoopbackAddress();
        }
        if (!developmentMode) {
            return configured;
        }
        if (configured == null) {
            return InetAddress.getLoopbackAddress();
        }
        if (configured.isLoopbackAddress()) {
            return configured;
        }
        throw new IllegalStateException("server.address=" + configured.getHostAddress() + " is not a loopback"
                + " address, and no trusted token issuer is configured, so anyone who can reach it could read and"
                + " write every resource. A trusted issuer must be configured: set"
                + " overturn.security.issuers[0].issuer=<the issuer URL its tokens carry in iss> and"
                + " overturn.security.issuers[0].jwks-uri=<the URL of its JSON Web Key Set>, and"
                + " overturn.security.audience (or overturn.fhir.base-url) to this server's FHIR base URL."
                + " Or leave server.address unset to run in development mode on 127.0.0.1.");
    }
}
