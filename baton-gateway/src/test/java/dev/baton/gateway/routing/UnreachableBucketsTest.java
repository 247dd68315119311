package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.RateLimitRefusals;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.limits.LocalBuckets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.smallBreaker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Token buckets whose store cannot be reached (a shared database down): the call is refused as
 * {@code STORE_UNAVAILABLE}, and what admission had already taken (a request, a half-open breaker permit) is
 * given back. Buckets out of reach are in-memory buckets reading a clock that throws while {@link #down} is set.
 */
class UnreachableBucketsTest {
    private static final RetrySettings ONCE = new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(1), 2);

    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final AtomicBoolean down = new AtomicBoolean();

    /** In-memory buckets; those whose name starts with {@code prefix} fail while {@link #down} is set. */
    private BucketStore failingWhenDown(String prefix) {
        var healthy = new LocalBuckets(clock);
        var remote = new LocalBuckets(() -> {
            if (down.get()) {
                throw new IllegalStateException("connection refused");
            }
            return clock.instant();
        });
        return (name, configuration) -> name.startsWith(prefix) ? remote.bucket(name, configuration)
                : healthy.bucket(name, configuration);
    }

    private Router router(GatewayConfig config, BucketStore buckets) {
        return new Router(config, Map.of(ScriptedProvider.TYPE, provider), clock, new SplittableRandom(1), sleeper,
                buckets);
    }

    private static void assertUnavailable(Runnable call, String bucket) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).contains("shared token bucket '" + bucket, "connection refused");
        });
    }

    @Test
    void a_caller_bucket_out_of_reach_refuses_the_call_and_gives_back_the_request_it_took() {
        var key = new ClientKey("k", new SecretRef("env", "K"), new RateLimits(1, 10_000), Budget.NONE);
        var router = router(config(List.of(key), RateLimits.UNLIMITED, chat("m", Strategy.PRIORITY,
                deployment("d"))), failingWhenDown("key/k/tpm/"));
        var caller = CallContext.direct("k");

        down.set(true);
        assertUnavailable(() -> router.chat(ask("m"), caller), "key/k/tpm/10000");
        assertThat(provider.calls()).isEmpty();
        assertThat(router.rateLimitRefusals()).isEqualTo(RateLimitRefusals.NONE);

        down.set(false);
        router.chat(ask("m"), caller); // its one request per minute was given back
        assertThat(provider.calls()).hasSize(1);
    }

    @Test
    void a_deployment_bucket_out_of_reach_gives_back_the_breaker_permission() {
        var router = router(config(ONCE, chat("m", Strategy.PRIORITY,
                deployment("d", s -> s.breaker(smallBreaker()).limits(100, 0)))), failingWhenDown("deployment/d/"));
        provider.failing("d", 4, ScriptedProvider.unavailable("down"));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> router.chat(ask("m"), CALLER)).isInstanceOf(BatonException.class);
        }
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.OPEN);
        clock.advance(Duration.ofSeconds(10).plusMillis(1));

        down.set(true);
        for (int i = 0; i < 3; i++) { // more than the 2 half-open permits: each one was given back
            assertUnavailable(() -> router.chat(ask("m"), CALLER), "deployment/d/rpm/100");
        }
        down.set(false);
        router.chat(ask("m"), CALLER);
        router.chat(ask("m"), CALLER);

        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(provider.calls()).hasSize(6);
    }
}
