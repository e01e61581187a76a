package org.overturn.pas;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.lang.Nullable;
import org.springframework.validation.annotation.Validated;

/**
 * @param payers where decisions come from, per payer; a payer with no route here is decided by the sandbox payer
 * @param outbox how accepted requests are forwarded to routed payers
 */
@Validated
@ConfigurationProperties("overturn.pas")
public record PasProperties(@Valid @DefaultValue List<PayerRoute> payers, @Valid @NotNull @DefaultValue Outbox outbox) {

    /**
     * @param identifier the payer Organization's identifier, {@code system|value} (Claim.insurer is matched on it)
     * @param endpoint the payer's PAS FHIR base; requests go to {@code endpoint/Claim/$submit}
     * @param bearerToken a static bearer token the payer issued, if it wants one
     * @param timeout how long one delivery attempt may take
     */
    public record PayerRoute(
            @NotBlank String identifier,
            @NotNull URI endpoint,
            @Nullable String bearerToken,
            @NotNull @DefaultValue("10s") Duration timeout) {}

    /**
     * @param enabled whether this instance polls the outbox (every instance may; rows are claimed with SKIP LOCKED)
     * @param pollInterval pause between polls
     * @param batchSize rows one poll claims
     * @param parallelism how many of them are sent to payers at once
     * @param maxAttempts deliveries tried before the request is marked failed
     * @param initialBackoff wait after the first failure; doubled per attempt, with random jitter
     * @param maxBackoff the longest wait between attempts
     * @param lease how long a claimed row is reserved for the instance delivering it; after that another may retry
     */
    public record Outbox(
            @DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("2s") Duration pollInterval,
            @Min(1) @DefaultValue("20") int batchSize,
            @Min(1) @DefaultValue("8") int parallelism,
            @Min(1) @DefaultValue("10") int maxAttempts,
            @NotNull @DefaultValue("2s") Duration initialBackoff,
            @NotNull @DefaultValue("10m") Duration maxBackoff,
            @NotNull @DefaultValue("2m") Duration lease) {}
}
