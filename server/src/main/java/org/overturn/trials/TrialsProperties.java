package org.overturn.trials;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param enabled whether letters search the registry at all
 * @param baseUrl the ClinicalTrials.gov API v2 base; {@code /studies} is appended
 * @param timeout one search, connection included
 * @param maxResponseSize larger answers are not read (the search is then reported as unavailable)
 * @param maxResults studies asked for and listed
 */
@Validated
@ConfigurationProperties("overturn.trials")
record TrialsProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("https://clinicaltrials.gov/api/v2") URI baseUrl,
        @NotNull @DefaultValue("5s") Duration timeout,
        @NotNull @DefaultValue("2MB") DataSize maxResponseSize,
        @Min(1) @Max(100) @DefaultValue("10") int maxResults) {}
