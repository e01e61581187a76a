package org.overturn.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short SHA-256 digest of a bearer token, so that a map or cache can key by the token without holding it. */
public final class TokenFingerprint {
    /** One digest per thread: looking the algorithm up cost more than the digest of a kilobyte-long token. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    private TokenFingerprint() {}

    public static String of(String token) {
        byte[] digest = SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)); // digest() resets it
        return HexFormat.of().formatHex(digest, 0, 16);
    }
}
