package org.overturn.fhir;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param baseUrl absolute base URL the server names itself by (links, Location); unset = taken from each request
 * @param maxBodySize largest request body accepted; larger ones get 413
 * @param corsAllowedOrigins origins browsers may call from ("*" = any)
 * @param maxBundleEntries most entries of one transaction or batch Bundle; more get 413
 * @param maxConcurrentRequestsPerClient requests one client (bearer token) may have in progress; more
 *     get 429 with Retry-After, so that one client cannot hold the whole database pool
 * @param validateOnWrite profile validation of client writes ({@link WriteValidation})
 */
@Validated
@ConfigurationProperties("overturn.fhir")
record FhirProperties(
        @Nullable String baseUrl,
        @NotNull @DefaultValue("10MB") DataSize maxBodySize,
        @NotNull @DefaultValue("*") List<String> corsAllowedOrigins,
        @jakarta.validation.constraints.Min(1) @DefaultValue("1000") int maxBundleEntries,
        @jakarta.validation.constraints.Min(1) @DefaultValue("4") int maxConcurrentRequestsPerClient,
        @NotNull @DefaultValue ValidateOnWrite validateOnWrite) {

    /**
     * @param all the mode of every type not listed
     * @param types a mode per resource type
     */
    public record ValidateOnWrite(
            @NotNull @DefaultValue("off") WriteValidation.Mode all,
            @NotNull @DefaultValue Map<String, WriteValidation.Mode> types) {}
}
