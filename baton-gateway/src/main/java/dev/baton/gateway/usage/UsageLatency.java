package dev.baton.gateway.usage;

import dev.baton.core.store.Percentiles;

import java.util.Objects;

/**
 * How fast and how reliably the calls of one usage group were answered.
 *
 * @param key              the group's value of the grouping dimension, as in {@link UsageTotals#key()}
 * @param calls            number of calls (successes, failures and cache hits: what callers saw)
 * @param errors           calls that failed
 * @param latency          percentiles of the calls' wall time ({@link UsageRecord#latency()}), ms
 * @param timeToFirstToken percentiles of the time to the first chunk of streamed calls, ms, or {@code null} when
 *                         the group has no streamed call
 */
public record UsageLatency(String key, long calls, long errors, Percentiles latency, Percentiles timeToFirstToken) {
    public UsageLatency {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(latency, "latency");
        if (calls < 1 || errors < 0 || errors > calls) {
            throw new IllegalArgumentException("need 1 <= calls and 0 <= errors <= calls, got " + calls + ", "
                    + errors);
        }
    }

    /** Failed calls divided by calls (0..1). */
    public double errorRate() {
        return (double) errors / calls;
    }
}
