package dev.baton.gateway.usage;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Budget;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetTest extends MeteredGatewayFixture {
    private static final CallContext K1 = CallContext.direct("k1");

    @Test
    void a_call_whose_worst_case_exceeds_the_key_budget_is_refused_before_reaching_upstream() {
        MeteredGateway gateway = metered(config(new Budget(100, 0), Budget.NONE), upstream);

        assertThatThrownBy(() -> gateway.chat(chat("gpt", 200), K1)).isInstanceOfSatisfying(BatonException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                    assertThat(e.getMessage()).contains("budget of key 'k1'").contains("cap 100 tokens")
                            .contains("0 spent").contains("up to 205");
                });

        assertThat(upstream.calls()).isZero();
        assertThat(closeAndSummarize(UsageDimension.PRINCIPAL)).containsExactly(
                new UsageTotals("k1", 1, 1, 0, 0, 0, false, 0));
    }

    @Test
    void spending_is_reconciled_with_real_usage_and_refuses_once_the_cap_is_reached() {
        MeteredGateway gateway = metered(config(new Budget(100, 0), Budget.NONE),
                upstream.reporting(new Usage(20, 20, false)));

        gateway.chat(chat("gpt", 45), K1); // reserves 50, uses 40
        assertThat(ledger.keySpend("k1")).isEqualTo(new BudgetLedger.Spend(40, GPT_PRICES.cost(
                new Usage(20, 20, false)), 0, 0));
        gateway.chat(chat("gpt", 45), K1); // 40 + 50 ≤ 100: admitted, now 80 spent

        assertThatThrownBy(() -> gateway.chat(chat("gpt", 45), K1))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage()).contains("80 spent"));
        assertThat(upstream.chats).hasSize(2);
        gateway.chat(chat("gpt", 15), K1); // 80 + 20 ≤ 100
        assertThat(ledger.keySpend("k1").tokens()).isEqualTo(120);
    }

    @Test
    void a_stream_cut_after_its_first_chunk_is_charged_its_estimated_usage_not_released() {
        MeteredGateway gateway = metered(config(new Budget(100, 0), Budget.NONE), upstream);

        assertThatThrownBy(() -> gateway.stream(chat("gpt", 75), K1, chunk -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("client went away"));
        })).isInstanceOf(java.io.UncheckedIOException.class);

        // prompt "x" → 1 token, the delivered chunk "streamed" (8 characters) → 2 tokens, both estimated
        assertThat(ledger.keySpend("k1").tokens()).isEqualTo(3);
        assertThat(ledger.keySpend("k1").reservedTokens()).isZero();
    }

    @Test
    void a_failed_call_releases_its_reservation() {
        MeteredGateway gateway = metered(config(new Budget(100, 0), Budget.NONE),
                upstream.failingWith(FakeGateway.error(ErrorCode.UPSTREAM_UNAVAILABLE)));

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> gateway.chat(chat("gpt", 75), K1))
                    .isInstanceOfSatisfying(BatonException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE));
        }

        assertThat(ledger.keySpend("k1")).isEqualTo(new BudgetLedger.Spend(0, 0, 0, 0));
    }

    @Test
    void the_cost_cap_uses_the_highest_price_among_the_alias_and_its_fallbacks() {
        // worst case 1,000,005 tokens in, 1,000,000 out: at gpt's prices USD 3, at claude's (a fallback) USD 18
        MeteredGateway gateway = metered(config(new Budget(0, 10), Budget.NONE), upstream);
        ChatRequest big = new ChatRequest("gpt", List.of(ChatMessage.user("x".repeat(4_000_000))), List.of(), null,
                null, null, null, 1_000_000, List.of(), null, null);

        assertThatThrownBy(() -> gateway.chat(big, K1)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
            assertThat(e.getMessage()).contains("cap 10.000000 USD").contains("0.000000 spent")
                    .contains("may cost up to 18.000");
        });
        gateway.chat(chat("claude", 1000), K1);
        assertThat(upstream.chats).hasSize(1);
    }

    @Test
    void a_run_budget_applies_to_the_calls_of_each_run_separately() {
        MeteredGateway gateway = metered(config(Budget.NONE, new Budget(60, 0)), upstream);
        CallContext r1 = CallContext.step("k1", "r1", "wf", "a");
        CallContext r2 = CallContext.step("k1", "r2", "wf", "a");

        gateway.chat(chat("gpt", 40), r1); // reserves 45, spends 15
        assertThatThrownBy(() -> gateway.chat(chat("gpt", 45), r1))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage())
                        .contains("budget of run 'r1'").contains("cap 60 tokens").contains("15 spent"));
        gateway.chat(chat("gpt", 45), r2);
        gateway.chat(chat("gpt", 500), K1); // direct calls have no run budget

        assertThat(upstream.chats).hasSize(3);
    }

    @Test
    void a_refused_run_reservation_gives_back_the_key_reservation() {
        MeteredGateway gateway = metered(config(new Budget(1000, 0), new Budget(10, 0)), upstream);

        assertThatThrownBy(() -> gateway.chat(chat("gpt", 40), CallContext.step("k1", "r1", "wf", "a")))
                .isInstanceOf(BatonException.class);

        assertThat(ledger.keySpend("k1")).isEqualTo(new BudgetLedger.Spend(0, 0, 0, 0));
    }

    @Test
    void concurrent_calls_cannot_together_overspend_a_small_budget() throws InterruptedException {
        MeteredGateway gateway = metered(config(new Budget(1000, 0), Budget.NONE), upstream.holding());
        int callers = 50;
        var arrived = new CountDownLatch(callers);
        var refused = new AtomicInteger();
        upstream.onEnter = arrived::countDown;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    gateway.chat(chat("gpt", 95), K1); // reserves 100
                } catch (BatonException e) {
                    refused.incrementAndGet();
                    arrived.countDown();
                }
            }));
        }
        assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
        BudgetLedger.Spend inFlight = ledger.keySpend("k1");
        upstream.release();
        for (Thread thread : threads) {
            assertThat(thread.join(Duration.ofSeconds(30))).isTrue();
        }

        assertThat(upstream.chats).hasSize(10);
        assertThat(refused).hasValue(40);
        assertThat(inFlight.tokens()).isZero();
        assertThat(inFlight.reservedTokens()).isEqualTo(1000);
        assertThat(ledger.keySpend("k1").tokens()).isEqualTo(150);
        assertThat(ledger.keySpend("k1").reservedTokens()).isZero();
    }

    @Test
    void spending_so_far_is_read_from_the_usage_store_the_first_time_a_key_or_run_is_seen() {
        store.append(List.of(
                UsageStoreContract.record(NOW.minusSeconds(3600), "k1", null, "gpt", 900, 50, 0.5),
                UsageStoreContract.record(NOW.minusSeconds(60), "k2", "r9", "gpt", 40, 0, 0.25)));
        MeteredGateway gateway = metered(config(new Budget(1000, 0), new Budget(50, 0)), upstream);

        assertThatThrownBy(() -> gateway.chat(chat("gpt", 95), K1))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage()).contains("950 spent"));
        assertThatThrownBy(() -> gateway.chat(chat("gpt", 10), CallContext.step("k2", "r9", "wf", "s")))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage())
                        .contains("budget of run 'r9'").contains("40 spent"));
        gateway.chat(chat("gpt", 40), K1);

        assertThat(ledger.keySpend("k1")).isEqualTo(new BudgetLedger.Spend(965, 0.5 + GPT_PRICES.cost(
                new Usage(10, 5, false)), 0, 0));
    }

    @Test
    void a_store_that_cannot_be_read_admits_nothing_budgeted_until_it_recovers() {
        var failing = new AtomicInteger(1);
        UsageStore flaky = new UsageStore() {
            @Override
            public void append(List<UsageRecord> records) {
                store.append(records);
            }

            @Override
            public List<UsageTotals> summarize(UsageQuery query) {
                if (failing.getAndDecrement() > 0) {
                    throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "store: down");
                }
                return store.summarize(query);
            }

            @Override
            public List<UsageLatency> latencies(UsageQuery query) {
                return store.latencies(query);
            }
        };
        var config = config(new Budget(1000, 0), Budget.NONE);
        ledger = new BudgetLedger(config, flaky);
        MeteredGateway gateway = new MeteredGateway(upstream, config, ledger, recorder, clock);

        assertThatThrownBy(() -> gateway.chat(chat("gpt", 10), K1)).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        gateway.chat(chat("gpt", 10), K1);
        gateway.chat(chat("gpt", 10), CallContext.direct("unbudgeted"));

        assertThat(upstream.chats).hasSize(2);
        assertThat(closeAndSummarize(UsageDimension.PRINCIPAL)).extracting(UsageTotals::key, UsageTotals::errors)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k1", 1L),
                        org.assertj.core.groups.Tuple.tuple("unbudgeted", 0L));
    }

    @Test
    void a_worst_case_estimate_counts_characters_per_four_plus_framing_and_max_tokens() {
        ChatRequest request = new ChatRequest("gpt", List.of(ChatMessage.system("12345678"),
                ChatMessage.user("123")), List.of(), null, null, null, null, null, List.of(), null, null);

        assertThat(CallEstimate.of(request, 1024)).isEqualTo(new CallEstimate(3 + 8, 1024));
        assertThat(CallEstimate.of(dev.baton.gateway.api.EmbeddingRequest.of("e", List.of("1234", "1"))))
                .isEqualTo(new CallEstimate(2, 0));
    }
}
