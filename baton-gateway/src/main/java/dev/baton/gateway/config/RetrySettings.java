package dev.baton.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries of one gateway call across deployments: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff and Jitter", 2015) between attempts, honouring an upstream {@code Retry-After} up to
 * {@code maxDelay}. Only retriable errors are retried; each retry goes to the next deployment when there is one.
 *
 * @param maxAttempts  attempts per alias, first included (≥ 1)
 * @param initialDelay backoff before the second attempt
 * @param maxDelay     cap of a single backoff, and of an honoured Retry-After
 * @param multiplier   growth factor of the backoff (≥ 1)
 */
public record RetrySettings(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier) {

    /** 3 attempts, 100 ms doubling to at most 5 s. */
    public static final RetrySettings DEFAULT = new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(5), 2);

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry.maxAttempts must be ≥ 1: " + maxAttempts);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (!(multiplier >= 1)) {
            throw new IllegalArgumentException("retry.multiplier must be ≥ 1: " + multiplier);
        }
    }
}
