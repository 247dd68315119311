package dev.baton.gateway.usage;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeriodBudgetTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-21T22:00:00Z"));
    private final InstantSource clock = now::get;
    private final InMemoryUsageStore usage = new InMemoryUsageStore();
    private final CallContext acme = CallContext.direct("anonymous").withTenant("acme", null);

    private BudgetLedger ledger(Quotas tenant, Quotas key) {
        QuotaSource source = (tenantId, keyId) -> {
            List<QuotaScope> scopes = new ArrayList<>();
            if (tenantId != null && tenant.isLimited()) {
                scopes.add(new QuotaScope(QuotaScope.Kind.TENANT, tenantId, tenant, "security.defaultQuotas"));
            }
            if (keyId != null && key.isLimited()) {
                scopes.add(new QuotaScope(QuotaScope.Kind.KEY, keyId, key, "key." + keyId + ".quotas"));
            }
            return scopes;
        };
        return new BudgetLedger(GatewayConfig.EMPTY, new LocalBudgetAccounts(usage, Duration.ofHours(1),
                Ticker.systemTicker()), source, clock);
    }

    private static Quotas daily(long tokens, double usd) {
        return new Quotas(0, 0, 0, tokens, usd, 0, 0);
    }

    @Test
    void a_tenant_over_its_daily_tokens_is_refused_naming_the_limit_until_the_next_utc_day() {
        BudgetLedger ledger = ledger(daily(1000, 0), Quotas.NONE);
        assertThat(ledger.isBudgeted(acme)).isTrue();
        ledger.reserve(acme, 600, 0).settle(600, 0);

        assertThatThrownBy(() -> ledger.reserve(acme, 500, 0)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
            assertThat(e.errors().getFirst().field()).isEqualTo("security.defaultQuotas.dailyTokens");
            assertThat(e.getMessage()).contains("daily budget of tenant 'acme' (UTC 2026-11-21)")
                    .contains("cap 1000 tokens").contains("600 spent");
            assertThat(e.retryAfter()).contains(Duration.ofHours(2)); // until midnight UTC
        });
        ledger.reserve(acme, 400, 0).release();

        now.set(Instant.parse("2026-11-22T00:00:01Z")); // a new day: a new, empty account
        ledger.reserve(acme, 1000, 0).settle(1000, 0);
    }

    @Test
    void a_call_refused_by_both_its_spent_day_and_month_is_told_to_come_back_when_the_month_ends() {
        BudgetLedger ledger = ledger(new Quotas(0, 0, 0, 1000, 0, 1000, 0), Quotas.NONE);
        ledger.reserve(acme, 1000, 0).settle(1000, 0);

        assertThatThrownBy(() -> ledger.reserve(acme, 1, 0)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.errors().getFirst().field()).isEqualTo("security.defaultQuotas.monthlyTokens");
            assertThat(e.retryAfter()).contains(Duration.between(now.get(), Instant.parse("2026-12-01T00:00:00Z")));
        });
    }

    @Test
    void the_cost_cap_names_its_own_setting() {
        BudgetLedger ledger = ledger(new Quotas(0, 0, 0, 0, 0, 0, 2.0), Quotas.NONE);
        ledger.reserve(acme, 10, 1.5).settle(10, 1.5);

        assertThatThrownBy(() -> ledger.reserve(acme, 10, 1.0)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.errors().getFirst().field()).isEqualTo("security.defaultQuotas.monthlyCostUsd");
            assertThat(e.retryAfter()).contains(Duration.between(now.get(), Instant.parse("2026-12-01T00:00:00Z")));
        });
    }

    @Test
    void spending_so_far_is_read_from_the_usage_records_of_the_tenant_since_the_period_started() {
        record(Instant.parse("2026-11-20T23:59:59Z"), "acme", null, 5000); // yesterday: does not count
        record(Instant.parse("2026-11-21T01:00:00Z"), "acme", null, 700);
        record(Instant.parse("2026-11-21T02:00:00Z"), "globex", null, 900); // another tenant
        BudgetLedger ledger = ledger(daily(1000, 0), Quotas.NONE);

        ledger.reserve(acme, 300, 0).release();
        assertThatThrownBy(() -> ledger.reserve(acme, 301, 0)).isInstanceOf(BatonException.class);
    }

    @Test
    void a_key_budget_applies_besides_its_tenants_and_reads_the_keys_records() {
        record(Instant.parse("2026-11-21T01:00:00Z"), "acme", "k1", 90);
        BudgetLedger ledger = ledger(daily(1000, 0), daily(100, 0));
        CallContext k1 = CallContext.direct("k1").withTenant("acme", "k1");

        ledger.reserve(k1, 10, 0).settle(10, 0);
        assertThatThrownBy(() -> ledger.reserve(k1, 1, 0)).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.errors().getFirst().field()).isEqualTo("key.k1.quotas.dailyTokens"));
        // the tenant's own budget has room: a call of the tenant without that key is admitted
        ledger.reserve(acme, 800, 0).release();
    }

    @Test
    void calls_without_a_tenant_are_not_budgeted() {
        BudgetLedger ledger = ledger(daily(1, 0), Quotas.NONE);
        CallContext none = CallContext.direct("anonymous");

        assertThat(ledger.isBudgeted(none)).isFalse();
        assertThat(ledger.reserve(none, 1_000_000, 0).isBudgeted()).isFalse();
    }

    private void record(Instant at, String tenant, String key, long tokens) {
        usage.append(List.of(new UsageRecord(at, key == null ? "anonymous" : key, null, null, null, "gpt", "d1",
                "openai", "gpt-x", "chat", tokens, 0, false, 0, Duration.ZERO, null, false, null, tenant, key)));
    }
}
