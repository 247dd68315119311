package dev.baton.gateway.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.local.LocalBucketBuilder;

import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The default {@link BucketStore}: Bucket4j's lock-free local buckets in this JVM, so limits hold per node. The
 * first request for a name creates its bucket (full); later requests return the same one. Time comes from the
 * injected clock. Buckets are never dropped: the names are bounded by the configuration (keys, deployments).
 * Thread-safe.
 */
public final class LocalBuckets implements BucketStore {
    private final InstantTimeMeter time;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Buckets reading time from {@code clock}. */
    public LocalBuckets(InstantSource clock) {
        this.time = new InstantTimeMeter(clock);
    }

    @Override
    public Bucket bucket(String name, BucketConfiguration configuration) {
        checkName(name);
        Objects.requireNonNull(configuration, "configuration");
        return buckets.computeIfAbsent(name, unused -> {
            LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(time);
            for (Bandwidth limit : configuration.getBandwidths()) {
                builder.addLimit(limit);
            }
            return builder.build();
        });
    }

    /**
     * Checks a bucket name against {@link BucketStore}'s rules.
     *
     * @throws IllegalArgumentException for a blank or too long name
     */
    public static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("bucket name must be 1.." + MAX_NAME_LENGTH + " characters: '" + name
                    + "'");
        }
    }
}
