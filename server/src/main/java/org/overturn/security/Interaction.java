package org.overturn.security;

/** The SMART v2 permission letters ({@code c r u d s}), which the FHIR interactions map to. */
public enum Interaction {
    CREATE('c'),
    READ('r'),
    UPDATE('u'),
    DELETE('d'),
    SEARCH('s');

    private final char letter;

    Interaction(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }
}
