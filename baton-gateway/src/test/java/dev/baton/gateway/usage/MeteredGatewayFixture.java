package dev.baton.gateway.usage;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ModelKind;
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
import org.junit.jupiter.api.AfterEach;


import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;


/** Shared set-up of the MeteredGateway tests: a configuration, a fake next gateway, a store and a recorder. */
abstract class MeteredGatewayFixture {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    /** USD 1 per 1M input tokens and USD 2 per 1M output tokens. */
    static final Pricing GPT_PRICES = new Pricing(1, 2);
    static final Pricing CLAUDE_PRICES = new Pricing(3, 15);

    final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    final InstantSource clock = () -> now.get();
    final InMemoryUsageStore store = new InMemoryUsageStore();
    final UsageRecorder recorder = new UsageRecorder(store);
    final FakeGateway upstream = new FakeGateway(GPT_PRICES);
    BudgetLedger ledger;

    @AfterEach
    void closeRecorder() {
        recorder.close();
    }

    static Deployment deployment(String id, Pricing pricing) {
        return new Deployment(id, "openai", URI.create("http://127.0.0.1:9/v1"), id + "-model", null, 1,
                RateLimits.UNLIMITED, Timeouts.DEFAULT, pricing, BreakerSettings.DEFAULT, Map.of(), true);
    }

    static GatewayConfig config(Budget keyBudget, Budget runBudget) {
        var gpt = new ModelAlias("gpt", ModelKind.CHAT, Strategy.PRIORITY, List.of(deployment("gpt-1", GPT_PRICES)),
                List.of("claude"));
        var claude = new ModelAlias("claude", ModelKind.CHAT, Strategy.PRIORITY,
                List.of(deployment("claude-1", CLAUDE_PRICES)), List.of());
        var embed = new ModelAlias("embed", ModelKind.EMBEDDING, Strategy.PRIORITY,
                List.of(deployment("embed-1", new Pricing(0.5, 0))), List.of());
        var key = new ClientKey("k1", SecretRef.parse("keys.k1", "env:K1"), RateLimits.UNLIMITED, keyBudget);
        return new GatewayConfig(Map.of("gpt", gpt, "claude", claude, "embed", embed), List.of(key),
                RateLimits.UNLIMITED, runBudget, RetrySettings.DEFAULT, CacheSettings.DEFAULT, HealthSettings.DEFAULT);
    }

    MeteredGateway metered(GatewayConfig config, Gateway next) {
        ledger = new BudgetLedger(config, store, BudgetLedger.DEFAULT_IDLE_EXPIRY, Ticker.systemTicker());
        return new MeteredGateway(next, config, ledger, recorder, clock);
    }

    /** A request whose worst case is {@code 5 + maxTokens} tokens: "x" is 1 token, plus 4 of framing. */
    static ChatRequest chat(String model, int maxTokens) {
        return new ChatRequest(model, List.of(ChatMessage.user("x")), List.of(), null, null, null, null, maxTokens,
                List.of(), null, null);
    }

    /** Every record written so far (closes the recorder). */
    List<UsageTotals> closeAndSummarize(UsageDimension by) {
        recorder.close();
        return store.summarize(new UsageQuery(by, null, null, Map.of()));
    }
}
