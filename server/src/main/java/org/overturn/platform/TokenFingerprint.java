package org.overturn.platform;

import java.util.HexFormat;

/** A short SHA-256 digest of a bearer token, so that a map or cache can key by the token without holding it. */
public final class TokenFingerprint {
    private TokenFingerprint() {}

    public static String of(String token) {
        return HexFormat.of().formatHex(Sha256.of(token), 0, 16);
    }
}
