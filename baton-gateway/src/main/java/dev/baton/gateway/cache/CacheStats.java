package dev.baton.gateway.cache;

/**
 * Counters of the response cache since it was created; a snapshot, cheap to take.
 *
 * <p>A non-streamed chat request is one lookup; an embeddings request is one lookup per distinct input text.
 * Requests that bypass the cache (streams, {@code Cache-Control: no-cache}, cache disabled) are not counted.
 *
 * @param hits      lookups answered from the cache
 * @param misses    lookups that went upstream
 * @param evictions entries removed because the cache was full or their time to live had passed
 * @param size      entries held now (an estimate, as Caffeine's {@code estimatedSize})
 */
public record CacheStats(long hits, long misses, long evictions, long size) {

    public CacheStats {
        if (hits < 0 || misses < 0 || evictions < 0 || size < 0) {
            throw new IllegalArgumentException("cache counters must be ≥ 0");
        }
    }

    /** Hits among all lookups, in [0, 1]; 0 when there was none. */
    public double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
