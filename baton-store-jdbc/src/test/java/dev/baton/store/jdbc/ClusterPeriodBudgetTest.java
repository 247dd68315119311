package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;
import dev.baton.gateway.usage.BudgetLedger;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tenant's day and month budgets together (two accounts on every call) on three gateways sharing one real
 * PostgreSQL: reservations, settlements and sweeps overlap without deadlocking (each locks the accounts in id
 * order) and without overspending, and a call refused by both spent budgets reports the later reset.
 */
class ClusterPeriodBudgetTest {
    private static final Instant NOON = Instant.parse("2026-11-21T12:00:00Z");
    private static final CallContext ACME = CallContext.direct("anonymous").withTenant("acme", null);

    private static EmbeddedPostgres postgres;
    private static final List<JdbcStores> NODES = new ArrayList<>();

    private final List<JdbcBudgets> budgets = new ArrayList<>();

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        for (int i = 0; i < 3; i++) {
            NODES.add(Databases.openPostgres(postgres));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        NODES.forEach(JdbcStores::close);
        postgres.close();
    }

    @BeforeEach
    void empty() {
        Databases.empty(NODES.getFirst());
        for (JdbcStores node : NODES) {
            budgets.add(new JdbcBudgets(node.dataSource(), Duration.ofMinutes(2), false));
        }
    }

    @AfterEach
    void close() {
        budgets.forEach(JdbcBudgets::close);
    }

    private List<BudgetLedger> ledgers(Quotas quotas) {
        QuotaSource source = (tenantId, keyId) -> tenantId == null ? List.of()
                : List.of(new QuotaScope(QuotaScope.Kind.TENANT, tenantId, quotas, "security.tenants." + tenantId
                        + ".quotas"));
        return budgets.stream().map(accounts -> new BudgetLedger(GatewayConfig.EMPTY, accounts, source, () -> NOON))
                .toList();
    }

    @Test
    void overlapping_reservations_settlements_and_sweeps_on_day_and_month_never_fail_or_overspend() throws Exception {
        List<BudgetLedger> ledgers = ledgers(new Quotas(0, 0, 0, 2_000, 0, 2_000, 0));
        var admitted = new AtomicInteger();
        var go = new CountDownLatch(1);
        var workers = new ArrayList<Future<?>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 90; i++) {
                int n = i;
                workers.add(threads.submit(() -> {
                    go.await();
                    if (n % 10 == 0) {
                        budgets.get(n % 3).upkeep();
                    }
                    try {
                        ledgers.get(n % 3).reserve(ACME, 100, 0).settle(50, 0);
                        admitted.incrementAndGet();
                    } catch (BatonException e) {
                        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                    }
                    return null;
                }));
            }
            go.countDown();
        }
        for (Future<?> worker : workers) {
            worker.get(); // a deadlock aborted by PostgreSQL would surface here as STORE_UNAVAILABLE
        }

        BudgetLedger.Spend day = budgets.getFirst().spend("tenant:acme:day:2026-11-21");
        BudgetLedger.Spend month = budgets.getFirst().spend("tenant:acme:month:2026-11");
        assertThat(day).isEqualTo(new BudgetLedger.Spend(admitted.get() * 50L, 0, 0, 0));
        assertThat(month).isEqualTo(day);
        assertThat(day.tokens()).isLessThanOrEqualTo(2_000);
    }

    @Test
    void a_call_refused_by_both_spent_budgets_is_told_to_come_back_when_the_month_ends() {
        BudgetLedger ledger = ledgers(new Quotas(0, 0, 0, 1_000, 0, 1_000, 0)).getFirst();
        ledger.reserve(ACME, 1_000, 0).settle(1_000, 0);

        assertThatThrownBy(() -> ledger.reserve(ACME, 1, 0)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.errors().getFirst().field()).isEqualTo("security.tenants.acme.quotas.monthlyTokens");
            assertThat(e.retryAfter()).contains(Duration.between(NOON, Instant.parse("2026-12-01T00:00:00Z")));
        });
    }
}
