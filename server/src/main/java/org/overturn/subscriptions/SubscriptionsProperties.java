package org.overturn.subscriptions;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Topic-based Subscriptions ({@code overturn.subscriptions.*}).
 *
 * @param enabled whether this instance delivers notifications (every instance may; rows are claimed with SKIP LOCKED)
 * @param pollInterval pause between polls for due notifications and heartbeats
 * @param batchSize rows one poll claims
 * @param parallelism how many subscriptions' endpoints are called at once
 * @param maxAttempts deliveries tried before the Subscription goes to error
 * @param initialBackoff wait after the first failure; doubled per attempt, with random jitter
 * @param maxBackoff the longest wait between attempts
 * @param lease how long a claimed row is reserved for the instance delivering it; after that another may retry
 * @param deliveryTimeout the longest one delivery may take (a Subscription's backport-timeout may ask for less)
 * @param minHeartbeatPeriod the shortest backport-heartbeat-period accepted
 * @param allowedHosts endpoint hosts notifications may go to: {@code host}, {@code host:port}, {@code *.domain}, or
 *     {@code *} for any (https only; never loopback unless {@code allowLoopback}); none by default, so that a deployment
 *     names whom it notifies
 * @param allowLoopback whether endpoints on this machine are accepted (also over plain http): development and tests
 * @param retention how long finished event notifications are kept ({@code $events} answers from them); handshakes and
 *     heartbeats are kept one day
 */
@Validated
@ConfigurationProperties("overturn.subscriptions")
record SubscriptionsProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("2s") Duration pollInterval,
        @Min(1) @DefaultValue("20") int batchSize,
        @Min(1) @DefaultValue("4") int parallelism,
        @Min(1) @DefaultValue("5") int maxAttempts,
        @NotNull @DefaultValue("2s") Duration initialBackoff,
        @NotNull @DefaultValue("10m") Duration maxBackoff,
        @NotNull @DefaultValue("2m") Duration lease,
        @NotNull @DefaultValue("10s") Duration deliveryTimeout,
        @NotNull @DefaultValue("60s") Duration minHeartbeatPeriod,
        @NotNull @DefaultValue("") List<String> allowedHosts,
        @DefaultValue("false") boolean allowLoopback,
        @NotNull @DefaultValue("30d") Duration retention) {}
