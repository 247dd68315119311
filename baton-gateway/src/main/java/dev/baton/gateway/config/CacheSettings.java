package dev.baton.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The exact-match response cache (non-streamed chat and embeddings).
 *
 * @param enabled    whether responses are cached at all
 * @param ttl        how long an entry lives after it was written
 * @param maxEntries the most entries kept (least recently/frequently used go first; Caffeine's W-TinyLFU)
 */
public record CacheSettings(boolean enabled, Duration ttl, long maxEntries) {

    /** On, 1 hour, 10,000 entries. */
    public static final CacheSettings DEFAULT = new CacheSettings(true, Duration.ofHours(1), 10_000);

    public CacheSettings {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("cache ttl must be positive and maxEntries ≥ 1");
        }
    }
}
