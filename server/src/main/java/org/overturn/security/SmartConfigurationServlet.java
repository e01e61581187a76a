package org.overturn.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /fhir/.well-known/smart-configuration}: SMART App Launch 2.0 discovery
 * (<a href="https://hl7.org/fhir/smart-app-launch/STU2/conformance.html">conformance</a>), from configuration. Mapped
 * to its exact path, which the servlet container prefers over HAPI's {@code /fhir/*}. Without a configured
 * authorization server (development mode, or endpoints unset) it answers 404.
 */
final class SmartConfigurationServlet extends HttpServlet {
    static final String PATH = "/fhir/.well-known/smart-configuration";
    private static final long serialVersionUID = 1L;

    private final transient SmartDiscovery discovery;
    private final transient ObjectMapper json;

    SmartConfigurationServlet(SmartDiscovery discovery, ObjectMapper json) {
        this.discovery = discovery;
        this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!discovery.advertised()) {
            response.setStatus(404);
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"no authorization server is configured"
                    + " (overturn.security.authorization-endpoint, overturn.security.token-endpoint)\"}");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (discovery.issuer() != null) {
            body.put("issuer", discovery.issuer());
        }
        if (discovery.jwksUri() != null) {
            body.put("jwks_uri", discovery.jwksUri());
        }
        body.put("authorization_endpoint", discovery.authorizationEndpoint());
        body.put("token_endpoint", discovery.tokenEndpoint());
        if (discovery.introspectionEndpoint() != null) {
            body.put("introspection_endpoint", discovery.introspectionEndpoint());
        }
        body.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
        body.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "private_key_jwt"));
        body.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        body.put("scopes_supported", SmartDiscovery.SCOPES);
        body.put("response_types_supported", List.of("code"));
        body.put("code_challenge_methods_supported", List.of("S256"));
        body.put("capabilities", discovery.capabilities());
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "max-age=3600");
        json.writeValue(response.getOutputStream(), body);
    }
}
