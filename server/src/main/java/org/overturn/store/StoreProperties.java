package org.overturn.store;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param lockTimeout how long a write waits for another writer of the same resource before answering 409
 * @param defaultPageSize search page size when the client sends no _count
 * @param maxPageSize largest _count honoured
 * @param maxIncludes most resources one page may add through _include/_revinclude
 * @param maxOffset largest _offset honoured (search and history); deeper pages are refused, since the database reads
 *     and skips every row before the page
 * @param maxSortKeys most _sort keys one search may have
 * @param searchBudget longest one search or history request may run in the database, all its queries together;
 *     kept well inside the connections' 30 s statement timeout so that a costly query frees its connection soon
 * @param maxTotal most matches counted for _total=accurate; past it the Bundle carries no total
 */
@Validated
@ConfigurationProperties("overturn.store")
public record StoreProperties(
        @NotNull @DefaultValue("5s") Duration lockTimeout,
        @Min(1) @Max(1000) @DefaultValue("20") int defaultPageSize,
        @Min(1) @Max(10000) @DefaultValue("1000") int maxPageSize,
        @Min(0) @DefaultValue("1000") int maxIncludes,
        @Min(0) @DefaultValue("10000") int maxOffset,
        @Min(1) @DefaultValue("5") int maxSortKeys,
        @NotNull @DefaultValue("10s") Duration searchBudget,
        @Min(0) @DefaultValue("10000") int maxTotal) {

    public StoreProperties {
        if (searchBudget != null && (searchBudget.toSeconds() < 1 || searchBudget.toSeconds() > 29)) {
            throw new IllegalArgumentException("overturn.store.search-budget must be whole seconds from 1 s to 29 s"
                    + " (below the 30 s statement timeout); got " + searchBudget);
        }
    }
}
