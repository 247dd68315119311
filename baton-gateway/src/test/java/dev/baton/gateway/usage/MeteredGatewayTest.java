package dev.baton.gateway.usage;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;


import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MeteredGatewayTest extends MeteredGatewayFixture {
    private final List<UsageRecord> seen = new CopyOnWriteArrayList<>();
    private final UsageStore capturing = new UsageStore() {
        @Override
        public void append(List<UsageRecord> records) {
            seen.addAll(records);
        }

        @Override
        public List<UsageTotals> summarize(UsageQuery query) {
            return List.of();
        }

        @Override
        public List<UsageLatency> latencies(UsageQuery query) {
            return List.of();
        }
    };
    private final UsageRecorder capturingRecorder = new UsageRecorder(capturing);

    private MeteredGateway recordingGateway(Gateway next) {
        GatewayConfig config = config(Budget.NONE, Budget.NONE);
        return new MeteredGateway(next, config, new BudgetLedger(config, store), capturingRecorder, clock);
    }

    private List<UsageRecord> records() {
        capturingRecorder.close();
        return seen;
    }

    @Test
    void a_successful_chat_is_recorded_with_its_context_tokens_cost_and_where_it_was_served() {
        MeteredGateway gateway = recordingGateway(upstream);

        gateway.chat(chat("gpt", 50), CallContext.step("k1", "r1", "wf", "summarize"));

        assertThat(records()).containsExactly(new UsageRecord(NOW, "k1", "r1", "wf", "summarize", "gpt", "fake-1",
                "fake", "fake-model", "chat", 10, 5, false, GPT_PRICES.cost(new Usage(10, 5, false)),
                Duration.ofMillis(42), null, false, null));
    }

    @Test
    void streams_and_embeddings_are_recorded_with_their_operation_and_time_to_first_token() {
        MeteredGateway gateway = recordingGateway(upstream.reporting(new Usage(8, 3, true)));

        gateway.stream(chat("gpt", 50), CallContext.direct("k1"), chunk -> { });
        gateway.embed(EmbeddingRequest.of("embed", List.of("abcd", "ef")), CallContext.direct("k1"));

        List<UsageRecord> records = records();
        assertThat(records).extracting(UsageRecord::operation).containsExactly("chat.stream", "embeddings");
        assertThat(records.getFirst().timeToFirstToken()).isEqualTo(Duration.ofMillis(7));
        assertThat(records.getFirst().estimated()).isTrue();
        assertThat(records.getFirst().outputTokens()).isEqualTo(3);
        assertThat(records.get(1).inputTokens()).isEqualTo(6);
        assertThat(records.get(1).outputTokens()).isZero();
        assertThat(records.get(1).timeToFirstToken()).isNull();
        assertThat(records.get(1).runId()).isNull();
    }

    @Test
    void a_failed_call_is_recorded_with_its_error_code_no_tokens_and_no_deployment() {
        MeteredGateway gateway = recordingGateway(upstream.failingWith(FakeGateway.error(ErrorCode.UPSTREAM_UNAVAILABLE)));
        upstream.onEnter = () -> now.set(NOW.plusMillis(300));

        assertThatThrownBy(() -> gateway.chat(chat("gpt", 50), CallContext.step("k1", "r1", "wf", "s")))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE));

        assertThat(records()).containsExactly(new UsageRecord(NOW.plusMillis(300), "k1", "r1", "wf", "s", "gpt",
                "none", "none", "none", "chat", 0, 0, false, 0, Duration.ofMillis(300), null, false,
                "upstream-unavailable"));
    }

    @Test
    void a_cache_hit_is_recorded_as_such_without_tokens_or_cost() {
        MeteredGateway gateway = recordingGateway(new CachingGateway(upstream, CacheSettings.DEFAULT));

        gateway.chat(chat("gpt", 50), CallContext.direct("k1"));
        gateway.chat(chat("gpt", 50), CallContext.direct("k1"));

        List<UsageRecord> records = records();
        assertThat(records).extracting(UsageRecord::cacheHit).containsExactly(false, true);
        UsageRecord hit = records.get(1);
        assertThat(hit.deployment()).isEqualTo("cache");
        assertThat(hit.provider()).isEqualTo("cache");
        assertThat(hit.inputTokens() + hit.outputTokens()).isZero();
        assertThat(hit.costUsd()).isZero();
        assertThat(upstream.chats).hasSize(1);
    }

    @Test
    void records_reach_the_usage_store_rolled_up_per_principal() {
        MeteredGateway gateway = metered(config(Budget.NONE, Budget.NONE), upstream);

        gateway.chat(chat("gpt", 50), CallContext.direct("k1"));
        gateway.chat(chat("gpt", 50), CallContext.direct("k1"));
        gateway.chat(chat("gpt", 50), CallContext.direct("k2"));

        assertThat(closeAndSummarize(UsageDimension.PRINCIPAL)).extracting(UsageTotals::key, UsageTotals::calls,
                UsageTotals::inputTokens).containsExactly(org.assertj.core.groups.Tuple.tuple("k1", 2L, 20L),
                org.assertj.core.groups.Tuple.tuple("k2", 1L, 10L));
    }

    @Test
    void models_are_those_of_the_next_gateway() {
        assertThat(recordingGateway(upstream).models()).isEqualTo(upstream.models());
    }
}
