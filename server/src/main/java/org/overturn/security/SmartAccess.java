package org.overturn.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.lang.Nullable;

/**
 * What the caller of one request may do: everything (development mode), or what its token's SMART scopes allow,
 * patient scopes only inside the compartment of the token's launch patient.
 *
 * @param unrestricted development mode: no token, no limits
 * @param patient the token's {@code patient} claim (launch patient), if any
 * @param scopes the token's clinical scopes
 * @param subject the token's {@code sub}, for logs and audit
 */
public record SmartAccess(boolean unrestricted, @Nullable String patient, List<SmartScope> scopes, String subject) {

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
        return new SmartAccess(true, null, List.of(), "development");
    }

    /** The access of a token's {@code scope} (space-separated) and {@code patient} claims. */
    public static SmartAccess ofToken(@Nullable String scope, @Nullable String patient, String subject) {
        List<SmartScope> parsed = new ArrayList<>();
        if (scope != null) {
            for (String s : scope.trim().split("\\s+")) {
                SmartScope.parse(s).ifPresent(parsed::add);
            }
        }
        return new SmartAccess(false, patient == null || patient.isBlank() ? null : patient, parsed, subject);
    }

    public Reach reach(String type, Interaction interaction) {
        if (unrestricted) {
            return Reach.ALL;
        }
        Reach reach = Reach.NONE;
        for (SmartScope scope : scopes) {
            if (!scope.allows(type, interaction)) {
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
