package org.overturn.cds;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * CDS Hooks settings ({@code overturn.cds.*}); README "CDS Hooks" documents each.
 *
 * @param developmentMode accept unsigned hook calls and fetch from loopback EHRs; never in production
 * @param serviceBaseUrl the public URL of {@code /cds-services} that clients put in {@code aud}; unset = beside
 *     {@code overturn.fhir.base-url} when that ends in {@code /fhir}, else taken from the request
 * @param smartLaunchUrl the SMART app launch URL put on cards; unset = {@code /app/launch.html} beside
 *     {@code overturn.fhir.base-url} when that ends in {@code /fhir}, else on the request's host
 * @param clients the CDS clients (EHRs) whose signed calls are accepted
 * @param clockSkew how far {@code exp} and {@code iat} may be off
 * @param maxTokenLifetime tokens that claim to live longer than this are refused
 * @param maxBodySize the largest hook call accepted; larger ones get 413
 * @param ehr how data missing from prefetch is fetched from the EHR's {@code fhirServer}
 */
@Validated
@ConfigurationProperties("overturn.cds")
record CdsProperties(
        @DefaultValue("false") boolean developmentMode,
        @Nullable String serviceBaseUrl,
        @Nullable String smartLaunchUrl,
        @NotNull @DefaultValue({}) List<@Valid Client> clients,
        @NotNull @DefaultValue("60s") Duration clockSkew,
        @NotNull @DefaultValue("1h") Duration maxTokenLifetime,
        @NotNull @DefaultValue("10MB") DataSize maxBodySize,
        @NotNull @Valid @DefaultValue({}) Ehr ehr) {

    /**
     * A trusted CDS client: its JWT issuer and where its signing keys are (a configured JWKS URL, or the JWKS itself).
     * A token's own {@code jku} header is never fetched.
     */
    public record Client(@NotBlank String issuer, @Nullable String jwksUri, @Nullable String jwks) {}

    /**
     * @param allowedHosts {@code fhirServer} hosts that may be called ({@code host}, {@code host:port} or
     *     {@code *.domain}); development mode adds the loopback hosts
     * @param requestTimeout one EHR request
     * @param deadline all the EHR requests of one hook call, in parallel; what is late is reported as not checked
     * @param cacheTtl how long an EHR answer is reused for the same patient and query (order-select then order-sign)
     * @param maxResponseSize the largest EHR answer read
     * @param maxPages how many search pages are followed per query
     */
    public record Ehr(
            @NotNull @DefaultValue({}) List<String> allowedHosts,
            @NotNull @DefaultValue("2s") Duration requestTimeout,
            @NotNull @DefaultValue("3s") Duration deadline,
            @NotNull @DefaultValue("60s") Duration cacheTtl,
            @NotNull @DefaultValue("5MB") DataSize maxResponseSize,
            @DefaultValue("5") int maxPages) {}
}
