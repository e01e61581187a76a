package org.overturn.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the caller of one request may do: everything (development mode), or what its token's SMART scopes allow,
 * patient scopes only inside the compartment of the token's launch patient.
 *
 * @param unrestricted development mode: no token, no limits
 * @param patient the token's {@code patient} claim (launch patient), if any
 * @param scopes the token's clinical scopes
 * @param subject the token's {@code sub}, for logs and audit
 * @param client the client the token was issued to, named by issuer and client id: the owner of what it subscribes
 */
public record SmartAccess(
        boolean unrestricted, @Nullable String patient, List<SmartScope> scopes, String subject, String client) {

    /**
     * Types whose resources belong to the client that wrote them, not to a patient: a Subscription names the
     * client's endpoint and the credentials for it ({@code channel.header}), so a token reaches only its own
     * client's, whatever its scopes (security.AccessCheckedStore).
     */
    public static final Set<String> CLIENT_OWNED = Set.of("Subscription");

    /** How far one interaction on one type reaches. */
    public enum Reach {
        /** Not allowed at all. */
        NONE,
        /** Only inside the patient compartment of {@link #patient()}. */
        PATIENT,
        /** Every resource of the type. */
        ALL
    }

    public SmartAccess {
        scopes = List.copyOf(scopes);
    }

    public static SmartAccess development() {
        return new SmartAccess(true, null, List.of(), "development", "development");
    }

    /**
     * This access with a patient scope's reading and searching extended to every resource of {@code shared} types,
     * which no patient compartment holds (a patient's prescriber, payer, forms): {@code patient/*.rs} or
     * {@code patient/Practitioner.rs} then reach every Practitioner. Writes and search-restricted scopes are not
     * extended.
     */
    public SmartAccess sharing(java.util.Set<String> shared) {
        if (unrestricted || patient == null || shared.isEmpty()) {
            return this;
        }
        List<SmartScope> extended = new ArrayList<>(scopes);
        for (SmartScope scope : scopes) {
            java.util.Set<Interaction> reading = java.util.EnumSet.noneOf(Interaction.class);
            scope.interactions().stream()
                    .filter(i -> i == Interaction.READ || i == Interaction.SEARCH)
                    .forEach(reading::add);
            if (scope.context() != SmartScope.Context.PATIENT || scope.restriction() != null || reading.isEmpty()) {
                continue;
            }
            for (String type : shared) {
                if (scope.type().equals("*") || scope.type().equals(type)) {
                    extended.add(new SmartScope(SmartScope.Context.USER, type, reading));
                }
            }
        }
        return new SmartAccess(false, patient, extended, subject, client);
    }

    /** The server's own work (a worker, bookkeeping a write triggers), named for logs and audit. */
    public static SmartAccess system(String name) {
        return new SmartAccess(true, null, List.of(), "system:" + name, "system:" + name);
    }

    /** The access of a token's {@code scope} (space-separated) and {@code patient} claims, its client its subject. */
    public static SmartAccess ofToken(@Nullable String scope, @Nullable String patient, String subject) {
        return ofToken(scope, patient, subject, subject);
    }

    /** The access of a token's {@code scope} (space-separated) and {@code patient} claims, issued to {@code client}. */
    public static SmartAccess ofToken(@Nullable String scope, @Nullable String patient, String subject, String client) {
        List<SmartScope> parsed = new ArrayList<>();
        if (scope != null) {
            for (String s : scope.trim().split("\\s+")) {
                SmartScope.parse(s).ifPresent(parsed::add);
            }
        }
        return new SmartAccess(false, patient == null || patient.isBlank() ? null : patient, parsed, subject, client);
    }

    /**
     * How far the interaction reaches. Scopes without a search restriction decide when any of them grants it;
     * otherwise restricted ones do, and {@link #restrictions} says what a resource must match.
     */
    public Reach reach(String type, Interaction interaction) {
        if (unrestricted) {
            return Reach.ALL;
        }
        Reach plain = reach(type, interaction, false);
        return plain != Reach.NONE ? plain : reach(type, interaction, true);
    }

    private Reach reach(String type, Interaction interaction, boolean restricted) {
        Reach reach = Reach.NONE;
        for (SmartScope scope : scopes) {
            if (!scope.allows(type, interaction) || (scope.restriction() != null) != restricted) {
                continue;
            }
            if (scope.context() != SmartScope.Context.PATIENT) {
                return Reach.ALL;
            }
            // A patient scope without a launch patient reaches nothing.
            if (patient != null) {
                reach = Reach.PATIENT;
            }
        }
        return reach;
    }

    /**
     * The searches (query strings) of which a resource must match one for the interaction to reach it; empty when
     * a scope without a restriction grants the interaction.
     */
    public List<String> restrictions(String type, Interaction interaction) {
        if (unrestricted || reach(type, interaction, false) != Reach.NONE) {
            return List.of();
        }
        return scopes.stream().filter(s -> s.restriction() != null && s.allows(type, interaction))
                .map(SmartScope::restriction).distinct().toList();
    }

    /**
     * Whether the interaction reaches every resource of the type: no compartment, no search restriction, and not a
     * type whose resources each belong to one client ({@link #CLIENT_OWNED}).
     */
    public boolean reachesAll(String type, Interaction interaction) {
        return reach(type, interaction) == Reach.ALL && restrictions(type, interaction).isEmpty()
                && (unrestricted || !CLIENT_OWNED.contains(type));
    }

    /** Whether a resource owned by {@code owner} (null: by nobody, written by the server) is this caller's. */
    public boolean owns(@Nullable String owner) {
        return unrestricted || client.equals(owner);
    }

    /** Whether every interaction on every type is allowed beyond any compartment (user or system {@code *.*}). */
    public boolean everything() {
        if (unrestricted) {
            return true;
        }
        for (Interaction interaction : Interaction.values()) {
            if (reach("*", interaction) != Reach.ALL) {
                return false;
            }
        }
        return true;
    }

    public Optional<String> patientId() {
        return Optional.ofNullable(patient);
    }
}
