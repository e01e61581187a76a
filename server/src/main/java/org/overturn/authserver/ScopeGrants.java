package org.overturn.authserver;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.overturn.security.SmartScope;

/**
 * Which requested scopes a client's registration covers. The authorization server library compares scopes as exact
 * strings; SMART clients register broad scopes ({@code patient/*.rs}) and ask for narrower ones
 * ({@code patient/Observation.rs}, {@code patient/Observation.read}, {@code patient/Observation.rs?category=laboratory}),
 * which the broad one covers: same context, the type or {@code *}, at least the same interactions, and no
 * restriction on the registered one (or the same). Other scopes ({@code openid}, {@code launch/patient}) match exactly.
 */
final class ScopeGrants {
    private ScopeGrants() {}

    static boolean covers(Collection<String> registered, String requested) {
        if (registered.contains(requested)) {
            return true;
        }
        Optional<SmartScope> asked = SmartScope.parse(requested);
        return asked.isPresent() && registered.stream()
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .anyMatch(r -> covers(r, asked.get()));
    }

    private static boolean covers(SmartScope registered, SmartScope asked) {
        return registered.context() == asked.context()
                && (registered.type().equals("*") || registered.type().equals(asked.type()))
                && registered.interactions().containsAll(asked.interactions())
                && (registered.restriction() == null || registered.restriction().equals(asked.restriction()));
    }

    /** The requested scopes the registration covers (the others are left for the library to refuse). */
    static Set<String> covered(Collection<String> registered, Collection<String> requested) {
        return requested.stream().filter(s -> covers(registered, s)).collect(Collectors.toSet());
    }
}
