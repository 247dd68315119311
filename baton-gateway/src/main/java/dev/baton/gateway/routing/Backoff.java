package dev.baton.gateway.routing;

import dev.baton.gateway.config.RetrySettings;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The wait before the next attempt of one alias: exponential backoff with "full jitter" (Marc Brooker, "Exponential
 * Backoff and Jitter", AWS Architecture Blog, 2015): a uniformly random delay in
 * {@code [0, min(maxDelay, initialDelay * multiplier^(failures - 1)))}. Full jitter spreads the retries of many
 * clients that failed together, so they do not hit the upstream again in lock-step.
 *
 * <p>When the failed attempt carried a {@code Retry-After} (an upstream 429 or 503), that delay is honoured
 * instead, capped at {@code maxDelay} so one upstream cannot park a caller for minutes.
 *
 * @param settings the alias's retry settings
 * @param random   the router's seeded random source
 */
record Backoff(RetrySettings settings, SharedRandom random) {

    Backoff {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(random, "random");
    }

    /**
     * The delay before the next attempt.
     *
     * @param failures   attempts of this alias that failed so far (≥ 1)
     * @param retryAfter the last failure's {@code Retry-After}, when it sent one
     */
    Duration delay(int failures, Optional<Duration> retryAfter) {
        long maxNanos = settings.maxDelay().toNanos();
        if (retryAfter.isPresent()) {
            return Duration.ofNanos(Math.min(retryAfter.get().toNanos(), maxNanos));
        }
        double ceiling = settings.initialDelay().toNanos() * Math.pow(settings.multiplier(), failures - 1);
        double capped = Math.min(ceiling, maxNanos);
        return Duration.ofNanos((long) (random.nextDouble() * capped));
    }
}
