package org.overturn.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.overturn.platform.SystemWork;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import java.util.Map;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * The caller's access for the request on this thread, from the token Spring Security checked. With trusted issuers
 * configured, a request without a checked token reaches nothing (fail closed), whatever path it came by; work the
 * server does on its own account ({@link SystemWork}) reaches everything.
 */
public final class AccessContext {
    private static final SmartAccess NOTHING = SmartAccess.ofToken(null, null, "anonymous");

    private final boolean developmentMode;
    private final Set<String> sharedTypes;
    /**
     * The access of a token checked by Spring Security, by its value: a token's claims never change. Upkeep runs on
     * the calling thread: handing it to the common pool cost more than doing it.
     */
    private final Cache<String, SmartAccess> ofToken = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(5)).executor(Runnable::run).build();

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
        if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token && token.isAuthenticated()) {
            // Asked several times per request (edge, store, audit): the scopes of one token are parsed once.
            // A JWT's claims, or what introspection answered for an opaque token: the same names either way.
            return ofToken.get(token.getToken().getTokenValue(), value -> {
                Map<String, Object> claims = token.getTokenAttributes();
                String subject = text(claims.get("sub"));
                return SmartAccess.ofToken(scopes(claims.get("scope")), text(claims.get("patient")), subject,
                                client(claims, subject))
                        .sharing(sharedTypes);
            });
        }
        return NOTHING;
    }

    /**
     * The client a token was issued to, as {@code issuer|client}: SMART and RFC 9068 name it in {@code client_id},
     * other servers in {@code azp}; a backend service's {@code sub} is its client id. Two issuers may reuse a name.
     */
    static String client(Map<String, Object> claims, String subject) {
        String id = clientId(claims);
        return text(claims.get("iss")) + "|" + (id != null ? id : subject);
    }

    /** The token's client id: {@code client_id} (SMART, RFC 9068, RFC 7662), else {@code azp}; null if neither. */
    public static @Nullable String clientId(Map<String, Object> claims) {
        Object id = claims.get("client_id");
        if (id == null) {
            id = claims.get("azp");
        }
        return id == null ? null : id.toString();
    }

    /** A claim as text ({@code iss} may come as a URL, {@code patient} as a string); empty when absent. */
    public static String text(@Nullable Object claim) {
        return claim == null ? "" : claim.toString();
    }

    /** SMART's {@code scope} is one space-separated string; some servers send a JSON array: both are read. */
    private static @Nullable String scopes(@Nullable Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(" "));
        }
        return claim instanceof String text ? text : null;
    }

    /** The client of a token's caller ({@link SmartAccess#client()}); empty for the server's own work and development mode. */
    public java.util.Optional<String> tokenClient() {
        SmartAccess caller = current();
        return caller.unrestricted() ? java.util.Optional.empty() : java.util.Optional.of(caller.client());
    }

    public boolean developmentMode() {
        return developmentMode;
    }
}
