package dev.baton.gateway.usage;

import java.util.List;

/**
 * Where usage records are kept: in memory, H2 or PostgreSQL. Thread-safe.
 */
public interface UsageStore {

    /**
     * Stores records. Called off the request path (batched by the caller).
     *
     * @throws dev.baton.core.error.BatonException {@code STORE_UNAVAILABLE} when the store cannot write
     */
    void append(List<UsageRecord> records);

    /**
     * Totals per group, largest cost first (ties: key ascending).
     *
     * @throws dev.baton.core.error.BatonException {@code STORE_UNAVAILABLE} when the store cannot read
     */
    List<UsageTotals> summarize(UsageQuery query);

    /**
     * Call counts, error counts and latency percentiles per group (SQL's {@code PERCENTILE_CONT}, see
     * {@link dev.baton.core.store.Percentiles}), most calls first (ties: key ascending). Filters and time range as
     * in {@link #summarize}.
     *
     * @throws dev.baton.core.error.BatonException {@code STORE_UNAVAILABLE} when the store cannot read
     */
    List<UsageLatency> latencies(UsageQuery query);
}
