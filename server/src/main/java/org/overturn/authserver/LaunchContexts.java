package org.overturn.authserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Launch contexts: the value of SMART's {@code launch} parameter stands for the patient the EHR (here the
 * development launcher or the patient picker) opened the app on, and for the {@code appContext} it handed over (a
 * CDS card's, when the app was opened from one). Held in memory for an hour: this authorization server is for
 * development and tests, one instance.
 */
final class LaunchContexts {
    /** The longest {@code appContext} kept: enough for a few references, short enough for a URL. */
    static final int MAX_APP_CONTEXT = 4096;

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Cache<String, Launch> launches =
            Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).maximumSize(10_000).build();

    /** What one launch value stands for: a FHIR id without {@code Patient/}, and the app context as given. */
    private record Launch(String patient, @Nullable String appContext) {}

    /** A new launch value for the patient (a FHIR id, without {@code Patient/}). */
    String launch(String patientId) {
        return launch(patientId, null);
    }

    /** A new launch value for the patient and the app context the EHR hands to the app (at most 4096 characters). */
    String launch(String patientId, @Nullable String appContext) {
        if (appContext != null && appContext.length() > MAX_APP_CONTEXT) {
            throw new IllegalArgumentException("appContext is longer than " + MAX_APP_CONTEXT + " characters");
        }
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String launch = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        launches.put(launch, new Launch(patientId, appContext));
        return launch;
    }

    Optional<String> patient(@Nullable String launch) {
        return find(launch).map(Launch::patient);
    }

    /** The app context of a live launch that carried one. */
    Optional<String> appContext(@Nullable String launch) {
        return find(launch).map(Launch::appContext);
    }

    private Optional<Launch> find(@Nullable String launch) {
        return Optional.ofNullable(launch == null ? null : launches.getIfPresent(launch));
    }
}
