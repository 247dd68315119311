package dev.baton.gateway.routing;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;

/**
 * One per-minute limit as a Bucket4j local, lock-free token bucket: {@code perMinute} tokens of capacity,
 * refilled greedily (continuously, {@code perMinute} per 60 s), starting full. {@code perMinute == 0} means
 * unlimited and is represented by {@link #UNLIMITED}.
 *
 * <p>A single take larger than the whole capacity is clamped to the capacity, so a big request can still pass
 * when the bucket is full instead of being refused forever; {@link #settle} then charges the difference.
 * Thread-safe.
 */
final class TokenBucket {

    /** A bucket that never refuses. */
    static final TokenBucket UNLIMITED = new TokenBucket(null, 0);

    private final Bucket bucket;
    private final long capacity;

    private TokenBucket(Bucket bucket, long capacity) {
        this.bucket = bucket;
        this.capacity = capacity;
    }

    /** A bucket of {@code perMinute} tokens per minute on {@code time}; {@link #UNLIMITED} for 0. */
    static TokenBucket perMinute(long perMinute, TimeMeter time) {
        if (perMinute == 0) {
            return UNLIMITED;
        }
        Bucket bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .withCustomTimePrecision(time)
                .build();
        return new TokenBucket(bucket, perMinute);
    }

    /**
     * The outcome of {@link #tryTake}.
     *
     * @param granted whether the tokens were taken
     * @param tokens  how many were taken (0 when refused or unlimited)
     * @param retryIn    when refused, the time until enough tokens are back; otherwise zero
     */
    record Take(boolean granted, long tokens, Duration retryIn) {}

    /** Takes {@code amount} tokens (clamped to the capacity) when there are enough, else nothing. */
    Take tryTake(long amount) {
        if (bucket == null || amount <= 0) {
            return new Take(true, 0, Duration.ZERO);
        }
        long take = Math.min(amount, capacity);
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(take);
        if (probe.isConsumed()) {
            return new Take(true, take, Duration.ZERO);
        }
        return new Take(false, 0, Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Gives {@code amount} taken tokens back (never above the capacity). */
    void giveBack(long amount) {
        if (bucket != null && amount > 0) {
            bucket.addTokens(amount);
        }
    }

    /**
     * Reconciles a take of {@code taken} tokens with the {@code actual} use: refunds what was not used, or charges
     * the excess even if that drives the bucket into debt (later takes then wait until it is repaid).
     */
    void settle(long taken, long actual) {
        if (bucket == null) {
            return;
        }
        if (actual > taken) {
            bucket.consumeIgnoringRateLimits(actual - taken);
        } else if (actual < taken) {
            bucket.addTokens(taken - actual);
        }
    }

    boolean isUnlimited() {
        return bucket == null;
    }
}
