package org.overturn.security;

import java.util.function.Predicate;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The characters Spring Security's firewall lets through in header names and values and in parameter names: assigned
 * code points that are not control characters (a tab too, in a header value). The firewall's own predicates are
 * regular expressions run over every header each time it is read, and the Authorization header of a SMART access
 * token is a kilobyte long: they cost about 4% of a read with a token (ADR 0007). These loops accept exactly the same
 * strings ({@code HeaderCharactersTest} holds them equal to the firewall's), with a shortcut for printable ASCII.
 */
final class HeaderCharacters {
    static final Predicate<String> NAMES = value -> allowed(value, false);
    static final Predicate<String> HEADER_VALUES = value -> allowed(value, true);

    private HeaderCharacters() {}

    /** The firewall every request passes, with these predicates in place of its expressions. */
    static StrictHttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(NAMES);
        firewall.setAllowedHeaderValues(HEADER_VALUES);
        firewall.setAllowedParameterNames(NAMES);
        return firewall;
    }

    static boolean allowed(String value, boolean tab) {
        for (int i = 0; i < value.length(); ) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                i++;
                continue;
            }
            int codePoint = value.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tab && codePoint == '\t'))) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
