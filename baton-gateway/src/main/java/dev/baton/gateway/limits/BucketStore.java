package dev.baton.gateway.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/**
 * Hands out the gateway's token buckets by name: "give me the bucket named X with this configuration". Every
 * caller asking for the same name gets the same bucket (for a shared store: the same state, on every node).
 *
 * <p>Names are chosen by the gateway ({@code key/<id>/rpm/<limit>}, {@code anonymous/tpm/<limit>},
 * {@code deployment/<id>/rpm/<limit>}...) and contain the limit, so a changed limit starts a fresh, full bucket
 * instead of inheriting a bucket configured otherwise; a store applies {@code configuration} only when it creates
 * the bucket. Names are at most {@value #MAX_NAME_LENGTH} characters.
 *
 * <p>The buckets returned are Bucket4j buckets, local or remote ({@code BucketProxy}); the gateway uses
 * {@code tryConsumeAndReturnRemaining}, {@code addTokens} and {@code consumeIgnoringRateLimits} only. A remote
 * bucket's operations may throw when its store cannot be reached; the gateway turns that into
 * {@code STORE_UNAVAILABLE} (retriable) for an admission and logs it for a refund or settlement.
 *
 * <p>Implementations are thread-safe, and so are the buckets they return.
 */
public interface BucketStore {
    /** The longest bucket name a store must accept. */
    int MAX_NAME_LENGTH = 500;

    /**
     * The bucket named {@code name}, created with {@code configuration} when it does not exist yet.
     *
     * @param name          1..{@value #MAX_NAME_LENGTH} characters
     * @param configuration its limits (capacity and refill), applied on creation only
     * @return a thread-safe bucket; cheap to ask for again (stores may cache the handle)
     * @throws IllegalArgumentException for a blank or too long name
     */
    Bucket bucket(String name, BucketConfiguration configuration);
}
