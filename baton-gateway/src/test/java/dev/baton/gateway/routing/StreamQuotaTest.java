package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.limits.LocalBuckets;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.Map;

import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code tokensPerMinute} quotas of tenants on streamed calls: a stream cut after chunks reached the caller is
 * charged what it delivered (its tokens were generated upstream), a call that delivered nothing gives everything
 * back. The clock stands still, so buckets do not refill between the call and the probe.
 */
class StreamQuotaTest {
    private static final long TPM = 10_000;
    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final LocalBuckets buckets = new LocalBuckets(clock);
    private final QuotaSource source = (tenant, key) -> List.of(new QuotaScope(QuotaScope.Kind.TENANT, tenant,
            new Quotas(0, TPM, 0, 0, 0, 0, 0), "security.tenants." + tenant + ".quotas"));
    private final Router router = new Router(config(chat("m", Strategy.PRIORITY, deployment("a"))),
            Map.of(ScriptedProvider.TYPE, provider), clock, new SplittableRandom(42), new RecordingSleeper(clock),
            buckets, source);
    private final CallContext acme = CallContext.direct("user").withTenant("acme", null);

    /** Whether the whole minute's tokens can still be taken: the bucket is full. */
    private boolean bucketFull() {
        try {
            new QuotaBuckets(buckets, source).admitTokens("acme", null, TPM).refund();
            return true;
        } catch (BatonException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
            return false;
        }
    }

    @Test
    void a_stream_the_client_cuts_after_its_first_chunk_is_charged_what_was_delivered() {
        var gone = new IllegalStateException("client went away");
        int[] delivered = {0};
        ChunkSink leaving = chunk -> {
            if (++delivered[0] == 2) {
                throw gone;
            }
        };

        assertThatThrownBy(() -> router.stream(ask("m"), acme, leaving)).isSameAs(gone);

        assertThat(bucketFull()).as("the delivered tokens stay taken").isFalse();
    }

    @Test
    void a_stream_cut_upstream_after_a_chunk_is_charged_and_one_failing_before_any_chunk_is_refunded() {
        var empty = new ScriptedProvider.Stream(List.of(), ScriptedProvider.unavailable("reset"));
        provider.then("a", empty, empty, empty); // every attempt fails before its first chunk
        assertThatThrownBy(() -> router.stream(ask("m"), acme, chunk -> { })).isInstanceOf(BatonException.class);
        assertThat(bucketFull()).as("nothing delivered: all refunded").isTrue();

        provider.then("a", new ScriptedProvider.Stream(List.of("partial "), ScriptedProvider.unavailable("reset")));
        assertThatThrownBy(() -> router.stream(ask("m"), acme, chunk -> { })).isInstanceOf(BatonException.class);
        assertThat(bucketFull()).isFalse();
    }
}
