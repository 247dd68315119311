package dev.baton.gateway.usage;

import java.util.Objects;

/**
 * Usage summed over the records of one group.
 *
 * @param key          the group's value of the grouping dimension (e.g. the run id); {@code ""} for records
 *                     without one (direct API calls grouped by run)
 * @param calls        number of calls
 * @param errors       calls that failed
 * @param cacheHits    calls served from the cache
 * @param inputTokens  summed input tokens
 * @param outputTokens summed output tokens
 * @param estimated    whether any summed record carried estimated tokens
 * @param costUsd      summed cost in USD
 */
public record UsageTotals(String key, long calls, long errors, long cacheHits, long inputTokens, long outputTokens,
                          boolean estimated, double costUsd) {
    public UsageTotals {
        Objects.requireNonNull(key, "key");
    }
}
