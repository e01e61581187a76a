package org.overturn.authserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Launch contexts: the value of SMART's {@code launch} parameter stands for the patient the EHR (here the
 * development launcher or the patient picker) opened the app on. Held in memory for an hour: this authorization
 * server is for development and tests, one instance.
 */
final class LaunchContexts {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Cache<String, String> patients =
            Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).maximumSize(10_000).build();

    /** A new launch value for the patient (a FHIR id, without {@code Patient/}). */
    String launch(String patientId) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String launch = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        patients.put(launch, patientId);
        return launch;
    }

    Optional<String> patient(String launch) {
        return Optional.ofNullable(launch == null ? null : patients.getIfPresent(launch));
    }
}
