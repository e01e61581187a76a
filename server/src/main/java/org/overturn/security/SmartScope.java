package org.overturn.security;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One SMART clinical scope, v1 ({@code patient/Observation.read}, {@code user/*.*}, {@code system/*.write}) or v2
 * ({@code patient/Observation.rs}, {@code user/*.cruds}); see
 * <a href="https://hl7.org/fhir/smart-app-launch/STU2/scopes-and-launch-context.html">SMART App Launch 2.0,
 * scopes</a>. A v2 scope may restrict reading and searching one type to the resources a search matches
 * ({@code patient/Observation.rs?category=laboratory}); a restriction on {@code *} or on writes grants nothing.
 *
 * @param context {@code patient}, {@code user} or {@code system}
 * @param type a resource type, or {@code *} for every type
 * @param interactions what the scope allows
 * @param restriction the search (query string without {@code ?}) a resource must match, or null for none
 */
public record SmartScope(Context context, String type, Set<Interaction> interactions, @Nullable String restriction) {
    private static final Pattern SCOPE =
            Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]{1,63})\\.([a-z*]+)(\\?.*)?");
    private static final String V2_ORDER = "cruds";
    private static final Set<Interaction> READ_AND_SEARCH = EnumSet.of(Interaction.READ, Interaction.SEARCH);

    public enum Context {
        PATIENT,
        USER,
        SYSTEM
    }

    public SmartScope {
        interactions = Set.copyOf(interactions);
    }

    public SmartScope(Context context, String type, Set<Interaction> interactions) {
        this(context, type, interactions, null);
    }

    /** The clinical scope {@code text} stands for; empty for other scopes (openid, launch, ...) and unsupported ones. */
    public static Optional<SmartScope> parse(String text) {
        Matcher m = SCOPE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        Context context = Context.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
        Set<Interaction> interactions = permissions(m.group(3));
        String restriction = m.group(4) == null ? null : m.group(4).substring(1);
        if (interactions.isEmpty() || (restriction != null && (restriction.isBlank() || m.group(2).equals("*")
                || !READ_AND_SEARCH.containsAll(interactions)))) {
            return Optional.empty();
        }
        return Optional.of(new SmartScope(context, m.group(2), interactions, restriction));
    }

    private static Set<Interaction> permissions(String text) {
        switch (text) {
            case "read":
                return EnumSet.of(Interaction.READ, Interaction.SEARCH);
            case "write":
                return EnumSet.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE);
            case "*":
                return EnumSet.allOf(Interaction.class);
            default:
                break;
        }
        // v2: a non-empty subset of c r u d s, each at most once and in that order.
        Set<Interaction> granted = EnumSet.noneOf(Interaction.class);
        int last = -1;
        for (char c : text.toCharArray()) {
            int at = V2_ORDER.indexOf(c);
            if (at <= last) {
                return Set.of();
            }
            last = at;
            granted.add(Interaction.values()[at]);
        }
        return granted;
    }

    public boolean allows(String resourceType, Interaction interaction) {
        return (type.equals("*") || type.equals(resourceType)) && interactions.contains(interaction);
    }
}
