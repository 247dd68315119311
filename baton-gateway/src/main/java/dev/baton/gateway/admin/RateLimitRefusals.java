package dev.baton.gateway.admin;

/**
 * Gateway calls refused for a rate limit since start, by where the limit is.
 *
 * @param key        refused by the caller's own limits: its API key's requests or tokens per minute (or the
 *                   shared limits of callers without a key), before any deployment was tried
 * @param deployment admitted by the caller's limits but ended {@code RATE_LIMITED} on the deployments' side:
 *                   every deployment's own bucket was empty, or the upstreams answered 429 until retries and
 *                   failover ran out
 */
public record RateLimitRefusals(long key, long deployment) {
    /** No refusal. */
    public static final RateLimitRefusals NONE = new RateLimitRefusals(0, 0);

    public RateLimitRefusals {
        if (key < 0 || deployment < 0) {
            throw new IllegalArgumentException("refusal counts must be ≥ 0");
        }
    }
}
