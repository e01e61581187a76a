package org.overturn.letter;

import org.hl7.fhir.r4.model.HumanName;

/** A person's name as a letter or summary writes it: the name's text, else prefix, given names and family name. */
public final class PersonNames {
    private PersonNames() {}

    public static String of(HumanName n) {
        if (n.hasText()) {
            return n.getText();
        }
        String given = String.join(" ", n.getGiven().stream().map(g -> g.getValue()).toList());
        String prefix = n.getPrefix().isEmpty() ? "" : n.getPrefixAsSingleString() + " ";
        return (prefix + given + " " + (n.getFamily() == null ? "" : n.getFamily())).trim();
    }

    /** The name with its suffixes ("MD"), as a cover sheet names the sender. */
    public static String withSuffixes(HumanName n) {
        String suffix = n.hasText() || n.getSuffix().isEmpty() ? "" : ", " + n.getSuffixAsSingleString();
        return of(n) + suffix;
    }
}
