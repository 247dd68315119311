package dev.baton.gateway.usage;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.cache.CacheStats;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.gateway.routing.Router;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.gateway.testing.Fault;
import dev.baton.gateway.testing.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole gateway stack over real HTTP: MeteredGateway → CachingGateway → Router → OpenAiProvider →
 * FakeOpenAiServer on 127.0.0.1. The fake counts one token per whitespace-separated word.
 */
class GatewayStackOverHttpTest {
    private static final Pricing CHAT_PRICES = new Pricing(2.5, 10);
    private static final Pricing EMBEDDING_PRICES = new Pricing(0.02, 0);
    private static final CallContext K1 = CallContext.direct("k1");

    private FakeOpenAiServer upstream;
    private OpenAiProvider provider;
    private Router router;
    private CachingGateway cache;
    private InMemoryUsageStore store;
    private UsageRecorder recorder;
    private Gateway gateway;

    private static Deployment deployment(String id, FakeOpenAiServer server, String model, Pricing pricing) {
        return new Deployment(id, "openai", server.baseUrl(), model, null, 1, RateLimits.UNLIMITED, Timeouts.DEFAULT,
                pricing, BreakerSettings.DEFAULT, Map.of(), true);
    }

    @BeforeEach
    void stack() {
        upstream = new FakeOpenAiServer();
        provider = new OpenAiProvider(Map.of());
        var chat = new ModelAlias("gpt", ModelKind.CHAT, Strategy.PRIORITY,
                List.of(deployment("fake-gpt", upstream, "gpt-fake", CHAT_PRICES)), List.of());
        var embed = new ModelAlias("embed", ModelKind.EMBEDDING, Strategy.PRIORITY,
                List.of(deployment("fake-embed", upstream, "embed-fake", EMBEDDING_PRICES)), List.of());
        var key = new ClientKey("k1", SecretRef.parse("keys.k1", "env:K1"), RateLimits.UNLIMITED,
                new Budget(1_000_000, 10));
        var config = new GatewayConfig(Map.of("gpt", chat, "embed", embed), List.of(key), RateLimits.UNLIMITED,
                Budget.NONE, RetrySettings.DEFAULT, CacheSettings.DEFAULT, HealthSettings.DEFAULT);
        router = new Router(config, Map.of("openai", provider), InstantSource.system(), new Random(7), d -> { });
        cache = new CachingGateway(router, config.cache());
        store = new InMemoryUsageStore();
        recorder = new UsageRecorder(store);
        gateway = new MeteredGateway(cache, config, new BudgetLedger(config, store), recorder, InstantSource.system());
    }

    @AfterEach
    void close() {
        recorder.close();
        router.close();
        provider.close();
        upstream.close();
    }

    private List<RecordedRequest> upstreamCalls(String path) {
        return upstream.requests().stream().filter(r -> r.path().endsWith(path)).toList();
    }

    private UsageTotals totalsOf(String alias) {
        recorder.close();
        return store.summarize(new UsageQuery(UsageDimension.MODEL, null, null, Map.of(UsageDimension.MODEL, alias)))
                .getFirst();
    }

    @Test
    void a_second_identical_chat_is_served_from_the_cache_and_costs_what_the_fake_reported_once() {
        var request = ChatRequest.of("gpt", List.of(ChatMessage.user("how much does this cost")));

        ChatResponse first = gateway.chat(request, K1);
        ChatResponse second = gateway.chat(request, K1);

        assertThat(upstreamCalls("/chat/completions")).hasSize(1);
        assertThat(first.message().content()).isEqualTo("You said: how much does this cost");
        assertThat(second.message()).isEqualTo(first.message());
        assertThat(first.served().cacheHit()).isFalse();
        assertThat(second.served().cacheHit()).isTrue();
        // the fake: 5 prompt words, 7 answer words
        assertThat(first.usage()).isEqualTo(new Usage(5, 7, false));
        UsageTotals totals = totalsOf("gpt");
        assertThat(totals.calls()).isEqualTo(2);
        assertThat(totals.cacheHits()).isEqualTo(1);
        assertThat(totals.inputTokens()).isEqualTo(5);
        assertThat(totals.outputTokens()).isEqualTo(7);
        assertThat(totals.costUsd()).isCloseTo((5 * 2.5 + 7 * 10) / 1_000_000, within(1e-12));
        assertThat(cache.stats()).isEqualTo(new CacheStats(1, 1, 0, 1));
    }

    @Test
    void a_no_cache_request_reaches_the_fake_again() {
        var request = ChatRequest.of("gpt", List.of(ChatMessage.user("fresh please")));

        gateway.chat(request, K1);
        ChatResponse fresh = gateway.chat(request, K1.withoutCache());

        assertThat(fresh.served().cacheHit()).isFalse();
        assertThat(upstreamCalls("/chat/completions")).hasSize(2);
    }

    @Test
    void embeddings_send_only_uncached_texts_upstream_and_are_charged_for_those() {
        EmbeddingResponse first = gateway.embed(EmbeddingRequest.of("embed", List.of("alpha beta", "gamma")), K1);
        EmbeddingResponse second = gateway.embed(EmbeddingRequest.of("embed", List.of("gamma", "delta epsilon")), K1);

        List<RecordedRequest> calls = upstreamCalls("/embeddings");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).json().path("input").get(0).asText()).isEqualTo("delta epsilon");
        assertThat(calls.get(1).json().path("input")).hasSize(1);
        assertThat(second.vectors().getFirst()).isEqualTo(first.vectors().get(1));
        UsageTotals totals = totalsOf("embed");
        assertThat(totals.inputTokens()).isEqualTo(3 + 2);
        assertThat(totals.costUsd()).isCloseTo(5 * 0.02 / 1_000_000, within(1e-15));
    }

    @Test
    void streams_are_never_cached_and_are_charged_from_the_reported_usage() {
        var request = ChatRequest.of("gpt", List.of(ChatMessage.user("stream this")));

        StreamResult first = gateway.stream(request, K1, chunk -> { });
        gateway.stream(request, K1, chunk -> { });

        assertThat(upstreamCalls("/chat/completions")).hasSize(2);
        assertThat(first.usage()).isEqualTo(new Usage(2, 4, false));
        UsageTotals totals = totalsOf("gpt");
        assertThat(totals.cacheHits()).isZero();
        assertThat(totals.inputTokens()).isEqualTo(4);
        assertThat(totals.outputTokens()).isEqualTo(8);
        assertThat(totals.costUsd()).isCloseTo(2 * (2 * 2.5 + 4 * 10) / 1_000_000, within(1e-12));
    }

    @Test
    void an_upstream_error_is_recorded_and_not_cached() {
        upstream.enqueue(Fault.status(400));
        var request = ChatRequest.of("gpt", List.of(ChatMessage.user("bad request")));

        assertThatThrownBy(() -> gateway.chat(request, K1)).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED));
        ChatResponse retried = gateway.chat(request, K1);

        assertThat(retried.served().cacheHit()).isFalse();
        assertThat(upstreamCalls("/chat/completions")).hasSize(2);
        UsageTotals totals = totalsOf("gpt");
        assertThat(totals.calls()).isEqualTo(2);
        assertThat(totals.errors()).isEqualTo(1);
    }
}
