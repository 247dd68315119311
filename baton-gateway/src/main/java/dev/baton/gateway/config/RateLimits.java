package dev.baton.gateway.config;

/**
 * Token-bucket limits: requests per minute and tokens (input + output) per minute. 0 means unlimited.
 *
 * @param requestsPerMinute RPM, ≥ 0
 * @param tokensPerMinute   TPM, ≥ 0
 */
public record RateLimits(long requestsPerMinute, long tokensPerMinute) {

    public static final RateLimits UNLIMITED = new RateLimits(0, 0);

    public RateLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must be ≥ 0 (0 = unlimited)");
        }
    }
}
