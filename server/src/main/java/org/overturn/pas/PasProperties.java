package org.overturn.pas;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How accepted requests are forwarded to routed payers. The routes themselves ({@code overturn.pas.payers}) and the
 * circuit breaker ({@code overturn.pas.outbox.breaker}) are read by {@code payers.PayerProperties}.
 *
 * @param outbox the transactional outbox
 */
@Validated
@ConfigurationProperties("overturn.pas")
record PasProperties(@Valid @NotNull @DefaultValue Outbox outbox, @Valid @NotNull @DefaultValue Sandbox sandbox) {

    /** What the sandbox payer answers for an item no policy in the knowledge files covers. */
    public enum Unmatched {
        /** A4, referred to a person for review, saying why. */
        PEND,
        /** A1, so that test suites with their own payers and drugs can run a PA flow end to end. */
        APPROVE
    }

    /** @param unmatched what the sandbox answers for an item no policy covers (another payer, another drug) */
    public record Sandbox(@NotNull @DefaultValue("pend") Unmatched unmatched) {}

    /**
     * @param enabled whether this instance polls the outbox (every instance may; rows are claimed with SKIP LOCKED)
     * @param pollInterval pause between polls
     * @param batchSize rows one poll claims
     * @param parallelism how many of them are sent to payers at once
     * @param maxAttempts deliveries tried before the request is marked failed
     * @param initialBackoff wait after the first failure; doubled per attempt, with random jitter
     * @param maxBackoff the longest wait between attempts
     * @param lease how long a claimed row is reserved for the instance delivering it; after that another may take it
     *     over (and asks the payer first whether it already has the request). Must exceed four payer timeouts
     * @param inquireInterval how often a pended request's decision is asked for at the payer
     * @param inquireMaxAge how long after acceptance the server keeps asking; then the request stays pended
     */
    public record Outbox(
            @DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("2s") Duration pollInterval,
            @Min(1) @DefaultValue("20") int batchSize,
            @Min(1) @DefaultValue("8") int parallelism,
            @Min(1) @DefaultValue("10") int maxAttempts,
            @NotNull @DefaultValue("2s") Duration initialBackoff,
            @NotNull @DefaultValue("10m") Duration maxBackoff,
            @NotNull @DefaultValue("2m") Duration lease,
            @NotNull @DefaultValue("15m") Duration inquireInterval,
            @NotNull @DefaultValue("30d") Duration inquireMaxAge) {}
}
