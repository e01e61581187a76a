package org.overturn.audit;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.jspecify.annotations.Nullable;
import org.springframework.validation.annotation.Validated;

/**
 * @param enabled whether FHIR requests are audited; unset means: whenever trusted token issuers are configured (in
 *     development mode there is no one to name)
 * @param flushInterval how often recorded requests are stored as AuditEvents (the most a crash can lose)
 * @param batchSize most AuditEvents stored in one transaction
 * @param capacity most requests waiting to be stored; past it, requests wait for the writer rather than go unaudited
 */
@Validated
@ConfigurationProperties("overturn.audit")
record AuditProperties(
        @Nullable Boolean enabled,
        @NotNull @DefaultValue("250ms") Duration flushInterval,
        @Min(1) @DefaultValue("500") int batchSize,
        @Min(1) @DefaultValue("20000") int capacity) {}
