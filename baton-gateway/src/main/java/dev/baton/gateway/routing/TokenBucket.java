package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.limits.BucketStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * One per-minute limit as a Bucket4j token bucket from a {@link BucketStore} (local and lock-free by default, or
 * shared by the nodes of a cluster): {@code perMinute} tokens of capacity, refilled greedily (continuously,
 * {@code perMinute} per 60 s), starting full. {@code perMinute == 0} means unlimited and is represented by
 * {@link #UNLIMITED}.
 *
 * <p>A single take larger than the whole capacity is clamped to the capacity, so a big request can still pass
 * when the bucket is full instead of being refused forever; {@link #settle} then charges the difference.
 *
 * <p>A shared bucket may be unreachable: a take then fails with {@code STORE_UNAVAILABLE} (retriable; the call is
 * refused rather than admitted unchecked), while a refund or settlement, which comes after the upstream answered,
 * is logged and dropped so the caller still gets its answer (the bucket is then off by that amount until it
 * refills). Thread-safe.
 */
final class TokenBucket {
    private static final Logger LOG = LoggerFactory.getLogger(TokenBucket.class);

    /** A bucket that never refuses. */
    static final TokenBucket UNLIMITED = new TokenBucket("unlimited", null, 0);

    private final String name;
    private final Bucket bucket;
    private final long capacity;

    private TokenBucket(String name, Bucket bucket, long capacity) {
        this.name = name;
        this.bucket = bucket;
        this.capacity = capacity;
    }

    /** The bucket {@code name} of {@code perMinute} tokens per minute from {@code store}; {@link #UNLIMITED} for 0. */
    static TokenBucket perMinute(String name, long perMinute, BucketStore store) {
        if (perMinute == 0) {
            return UNLIMITED;
        }
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
        return new TokenBucket(name, store.bucket(name, configuration), perMinute);
    }

    /**
     * The outcome of {@link #tryTake}.
     *
     * @param granted whether the tokens were taken
     * @param tokens  how many were taken (0 when refused or unlimited)
     * @param retryIn    when refused, the time until enough tokens are back; otherwise zero
     */
    record Take(boolean granted, long tokens, Duration retryIn) {}

    /**
     * Takes {@code amount} tokens (clamped to the capacity) when there are enough, else nothing.
     *
     * @throws BatonException {@code STORE_UNAVAILABLE} when a shared bucket cannot be reached
     */
    Take tryTake(long amount) {
        if (bucket == null || amount <= 0) {
            return new Take(true, 0, Duration.ZERO);
        }
        long take = Math.min(amount, capacity);
        ConsumptionProbe probe;
        try {
            probe = bucket.tryConsumeAndReturnRemaining(take);
        } catch (BatonException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "rate limit: the shared token bucket '" + name
                    + "' cannot be reached: " + e.getMessage(), true, List.of(), e);
        }
        if (probe.isConsumed()) {
            return new Take(true, take, Duration.ZERO);
        }
        return new Take(false, 0, Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Gives {@code amount} taken tokens back (never above the capacity). Never throws. */
    void giveBack(long amount) {
        if (bucket != null && amount > 0) {
            try {
                bucket.addTokens(amount);
            } catch (RuntimeException e) {
                LOG.warn("rate limit: could not give {} tokens back to bucket {}: {}", amount, name, e.toString());
            }
        }
    }

    /**
     * Reconciles a take of {@code taken} tokens with the {@code actual} use: refunds what was not used, or charges
     * the excess even if that drives the bucket into debt (later takes then wait until it is repaid). Never throws.
     */
    void settle(long taken, long actual) {
        if (bucket == null || actual == taken) {
            return;
        }
        try {
            if (actual > taken) {
                bucket.consumeIgnoringRateLimits(actual - taken);
            } else {
                bucket.addTokens(taken - actual);
            }
        } catch (RuntimeException e) {
            LOG.warn("rate limit: could not settle bucket {} ({} tokens taken, {} used): {}", name, taken, actual,
                    e.toString());
        }
    }

    boolean isUnlimited() {
        return bucket == null;
    }
}
