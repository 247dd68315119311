package dev.baton.gateway.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link BucketStore} must do, run once per implementation (in memory here, PostgreSQL in
 * baton-store-jdbc). Time is a settable clock: implementations compute refills from the clock they are given.
 */
public abstract class BucketStoreContract {
    /** The clock the store under test must read; starts at 2026-01-01T00:00:00Z. */
    protected final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    /** {@link #now} as an {@link InstantSource}. */
    protected final InstantSource clock = () -> now.get();

    /** A store reading {@link #clock}, with no bucket yet. */
    protected abstract BucketStore emptyStore();

    /** A second store over the same buckets (another node), or the same store when there is only one. */
    protected abstract BucketStore sameBucketsElsewhere();

    private static BucketConfiguration perMinute(long tokens) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(tokens).refillGreedy(tokens, Duration.ofMinutes(1)))
                .build();
    }

    @Test
    void a_new_bucket_starts_full_and_refuses_once_empty_with_the_time_until_a_token_is_back() {
        Bucket bucket = emptyStore().bucket("key/a/rpm/3", perMinute(3));

        for (int i = 0; i < 3; i++) {
            assertThat(bucket.tryConsumeAndReturnRemaining(1).isConsumed()).isTrue();
        }
        ConsumptionProbe refused = bucket.tryConsumeAndReturnRemaining(1);

        assertThat(refused.isConsumed()).isFalse();
        assertThat(Duration.ofNanos(refused.getNanosToWaitForRefill())).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void refills_as_the_clock_advances() {
        Bucket bucket = emptyStore().bucket("key/b/rpm/60", perMinute(60));
        assertThat(bucket.tryConsumeAndReturnRemaining(60).isConsumed()).isTrue();
        assertThat(bucket.tryConsumeAndReturnRemaining(1).isConsumed()).isFalse();

        now.set(now.get().plusSeconds(5));

        assertThat(bucket.tryConsumeAndReturnRemaining(5).isConsumed()).isTrue();
        assertThat(bucket.tryConsumeAndReturnRemaining(1).isConsumed()).isFalse();
    }

    @Test
    void the_same_name_is_the_same_bucket_for_every_holder() {
        BucketStore store = emptyStore();
        assertThat(store.bucket("deployment/d/rpm/2", perMinute(2)).tryConsumeAndReturnRemaining(2).isConsumed())
                .isTrue();

        Bucket elsewhere = sameBucketsElsewhere().bucket("deployment/d/rpm/2", perMinute(2));

        assertThat(elsewhere.tryConsumeAndReturnRemaining(1).isConsumed()).isFalse();
        assertThat(store.bucket("deployment/other/rpm/2", perMinute(2)).tryConsumeAndReturnRemaining(2).isConsumed())
                .as("another name is another bucket").isTrue();
    }

    @Test
    void tokens_given_back_and_charged_into_debt_count() {
        Bucket bucket = emptyStore().bucket("anonymous/tpm/100", perMinute(100));
        assertThat(bucket.tryConsumeAndReturnRemaining(100).isConsumed()).isTrue();

        bucket.addTokens(40);
        assertThat(bucket.tryConsumeAndReturnRemaining(40).isConsumed()).isTrue();

        bucket.consumeIgnoringRateLimits(50);
        now.set(now.get().plusSeconds(30)); // +50 tokens: repays the debt only
        assertThat(bucket.tryConsumeAndReturnRemaining(1).isConsumed()).isFalse();
    }

    @Test
    void rejects_a_blank_or_too_long_name() {
        BucketStore store = emptyStore();

        assertThatThrownBy(() -> store.bucket(" ", perMinute(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.bucket("x".repeat(BucketStore.MAX_NAME_LENGTH + 1), perMinute(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
