package org.overturn.platform;

/** Canonical URL base of everything Overturn defines (code systems, extensions, profiles, search parameters). */
public final class Canonical {
    public static final String BASE = "http://overturn.example.org/fhir";

    private Canonical() {}
}
