package org.overturn.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The caller's access for the request on this thread, from the token Spring Security checked. With trusted issuers
 * configured, a request without a checked token reaches nothing (fail closed), whatever path it came by.
 */
public final class AccessContext {
    private static final SmartAccess NOTHING = SmartAccess.ofToken(null, null, "anonymous");

    private final boolean developmentMode;

    public AccessContext(boolean developmentMode) {
        this.developmentMode = developmentMode;
    }

    public SmartAccess current() {
        if (developmentMode) {
            return SmartAccess.development();
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token && token.isAuthenticated()) {
            Jwt jwt = token.getToken();
            return SmartAccess.ofToken(jwt.getClaimAsString("scope"), jwt.getClaimAsString("patient"), jwt.getSubject() == null ? "" : jwt.getSubject());
        }
        return NOTHING;
    }

    public boolean developmentMode() {
        return developmentMode;
    }
}
