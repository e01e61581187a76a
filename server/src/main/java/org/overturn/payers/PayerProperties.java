package org.overturn.payers;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The payers reached over HTTP and how their failures are contained. The keys live under {@code overturn.pas}, where
 * PA routing was configured first; the outbox settings there are the {@code pas} feature's own.
 *
 * @param payers the routes, by payer identifier; a payer with none is answered from the knowledge (sandbox)
 * @param outbox only {@code outbox.breaker} is read here
 */
@Validated
@ConfigurationProperties("overturn.pas")
public record PayerProperties(@Valid @DefaultValue List<PayerRoute> payers, @Valid @NotNull @DefaultValue Outbox outbox) {

    public record Outbox(@Valid @NotNull @DefaultValue Breaker breaker) {}

    /**
     * One circuit breaker per payer and server instance.
     *
     * @param failureThreshold consecutive failed calls (timeouts, connection failures, 5xx) that open it
     * @param openDuration how long it stays open before one trial call is let through
     */
    public record Breaker(
            @Min(1) @DefaultValue("5") int failureThreshold,
            @NotNull @DefaultValue("1m") Duration openDuration) {}
}
