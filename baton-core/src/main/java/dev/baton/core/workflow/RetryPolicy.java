package dev.baton.core.workflow;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When and how often a failed step attempt is retried. Only retriable errors are retried.
 *
 * <p>Delay before retry {@code n} (n = 1 for the second attempt): {@code base = initialDelay} for
 * {@link Backoff#FIXED}, {@code initialDelay * multiplier^(n-1)} for {@link Backoff#EXPONENTIAL}, capped at
 * {@code maxDelay}; then jitter removes a random fraction of up to {@code jitter} of it
 * ({@code base * (1 - jitter * u)}, u uniform in [0,1)), the "equal/full jitter" family from
 * AWS Architecture Blog, "Exponential Backoff And Jitter" (2015). {@code jitter = 1} is full jitter.
 *
 * @param maxAttempts  total attempts including the first, 1..100 (1 = no retry)
 * @param backoff      fixed or exponential
 * @param initialDelay delay before the first retry, >= 0
 * @param maxDelay     cap on any single delay, >= initialDelay
 * @param multiplier   growth factor for exponential backoff, >= 1
 * @param jitter       fraction of the delay that is randomised, 0..1
 */
public record RetryPolicy(int maxAttempts, Backoff backoff, Duration initialDelay, Duration maxDelay,
                          double multiplier, double jitter) {

    /** Three attempts, exponential from 1 s doubling up to 30 s, 20% jitter. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(3, Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.2);

    /** A single attempt. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Backoff.FIXED, Duration.ZERO, Duration.ZERO, 1.0, 0.0);

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 100, got " + maxAttempts);
        }
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("initialDelay must not be negative, got " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must be >= initialDelay (" + initialDelay + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
    }

    /**
     * The delay before the given attempt.
     *
     * @param attempt the attempt about to start, >= 2 (attempt 1 has no delay)
     * @param random  source of jitter
     * @return a delay between {@code 0} and {@code maxDelay}
     */
    public Duration delayBefore(int attempt, RandomGenerator random) {
        if (attempt < 2) {
            return Duration.ZERO;
        }
        double baseNanos = initialDelay.toNanos();
        if (backoff == Backoff.EXPONENTIAL) {
            baseNanos *= Math.pow(multiplier, attempt - 2);
        }
        baseNanos = Math.min(baseNanos, maxDelay.toNanos());
        double jittered = baseNanos * (1.0 - jitter * random.nextDouble());
        return Duration.ofNanos((long) jittered);
    }
}
