package org.overturn.store;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** String normalization shared by indexing and search: case- and accent-insensitive, as FHIR string search asks. */
final class Text {
    /** Index values longer than this are cut; prefix and contains searches still work on the kept part. */
    static final int MAX_INDEXED = 512;

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private Text() {}

    static String normalize(String value) {
        String decomposed = Normalizer.normalize(value, Normalizer.Form.NFD);
        String plain = MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT).trim();
        return plain.length() > MAX_INDEXED ? plain.substring(0, MAX_INDEXED) : plain;
    }

    static String cut(String value) {
        return value.length() > MAX_INDEXED ? value.substring(0, MAX_INDEXED) : value;
    }
}
