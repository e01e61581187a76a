package org.overturn.security;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.overturn.platform.SystemWork;
import org.springframework.lang.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The caller's access for the request on this thread, from the token Spring Security checked. With trusted issuers
 * configured, a request without a checked token reaches nothing (fail closed), whatever path it came by; work the
 * server does on its own account ({@link SystemWork}) reaches everything.
 */
public final class AccessContext {
    private static final SmartAccess NOTHING = SmartAccess.ofToken(null, null, "anonymous");

    private final boolean developmentMode;
    private final Set<String> sharedTypes;

    public AccessContext(boolean developmentMode, Set<String> sharedTypes) {
        this.developmentMode = developmentMode;
        this.sharedTypes = Set.copyOf(sharedTypes);
    }

    public SmartAccess current() {
        if (developmentMode) {
            return SmartAccess.development();
        }
        String system = SystemWork.current();
        if (system != null) {
            return SmartAccess.system(system);
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token && token.isAuthenticated()) {
            Jwt jwt = token.getToken();
            return SmartAccess.ofToken(scopes(jwt.getClaim("scope")), jwt.getClaimAsString("patient"),
                            jwt.getSubject() == null ? "" : jwt.getSubject())
                    .sharing(sharedTypes);
        }
        return NOTHING;
    }

    /** SMART's {@code scope} is one space-separated string; some servers send a JSON array: both are read. */
    private static @Nullable String scopes(@Nullable Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(" "));
        }
        return claim instanceof String text ? text : null;
    }

    public boolean developmentMode() {
        return developmentMode;
    }
}
