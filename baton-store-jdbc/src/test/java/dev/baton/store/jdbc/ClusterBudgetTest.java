package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.usage.BudgetLedger;
import dev.baton.gateway.usage.UsageRecord;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Budgets shared by three gateways (three ledgers, each with its own connection pool and {@link JdbcBudgets}, as
 * three nodes have) on one real PostgreSQL. Reservation expiry is in the database's time: the tests make time
 * pass by moving the reservations' expiry back ({@link #elapse}); reservations are renewed and swept by calling
 * {@link JdbcBudgets#upkeep()}, accounts reconciled by {@link JdbcBudgets#reconcile()} (the background task is
 * off).
 */
class ClusterBudgetTest {
    private static final Duration TTL = Duration.ofMinutes(2);
    private static final CallContext KEY = CallContext.direct("k");

    private static EmbeddedPostgres postgres;
    private static final List<JdbcStores> NODES = new ArrayList<>();

    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
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
            budgets.add(new JdbcBudgets(node.dataSource(), TTL, false));
        }
    }

    @AfterEach
    void close() {
        budgets.forEach(JdbcBudgets::close);
    }

    private static GatewayConfig config(Budget keyBudget, Budget runBudget) {
        var key = new ClientKey("k", SecretRef.parse("keys.k", "env:K"), RateLimits.UNLIMITED, keyBudget);
        return new GatewayConfig(Map.of(), List.of(key), RateLimits.UNLIMITED, runBudget, RetrySettings.DEFAULT,
                CacheSettings.DEFAULT, HealthSettings.DEFAULT);
    }

    private List<BudgetLedger> ledgers(GatewayConfig config) {
        return budgets.stream().map(accounts -> new BudgetLedger(config, accounts)).toList();
    }

    @Test
    void concurrent_reservations_on_three_gateways_never_overspend() throws Exception {
        List<BudgetLedger> ledgers = ledgers(config(new Budget(1_000, 0), Budget.NONE));
        var admitted = new AtomicInteger();
        var refused = new AtomicInteger();
        var go = new CountDownLatch(1);

        var workers = new ArrayList<Future<?>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 60; i++) {
                BudgetLedger ledger = ledgers.get(i % 3);
                workers.add(threads.submit(() -> {
                    go.await();
                    try {
                        ledger.reserve(KEY, 100, 0).settle(100, 0);
                        admitted.incrementAndGet();
                    } catch (BatonException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
        }
        for (Future<?> worker : workers) {
            worker.get(); // a failed assertion on a worker thread fails the test
        }

        assertThat(admitted.get()).isEqualTo(10);
        assertThat(refused.get()).isEqualTo(50);
        assertThat(ledgers.get(2).keySpend("k")).isEqualTo(new BudgetLedger.Spend(1_000, 0, 0, 0));
    }

    @Test
    void a_reservation_in_flight_on_one_node_counts_on_the_others_and_its_settlement_replaces_it() {
        List<BudgetLedger> ledgers = ledgers(config(new Budget(1_000, 1.0), Budget.NONE));
        BudgetLedger.Reservation first = ledgers.get(0).reserve(KEY, 600, 0.5);

        assertThatThrownBy(() -> ledgers.get(1).reserve(KEY, 600, 0.1))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                    assertThat(e.getMessage()).contains("budget of key 'k'", "cap 1000 tokens", "0 spent",
                            "600 reserved by calls in flight", "may use up to 600");
                });

        first.settle(150, 0.2);
        ledgers.get(1).reserve(KEY, 600, 0.1);

        BudgetLedger.Spend spend = ledgers.get(2).keySpend("k");
        assertThat(spend.tokens()).isEqualTo(150);
        assertThat(spend.costUsd()).isCloseTo(0.2, within(1e-12));
        assertThat(spend.reservedTokens()).isEqualTo(600);
        assertThat(spend.reservedCost()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void the_reservations_of_a_node_that_died_expire_and_free_the_budget() {
        List<BudgetLedger> ledgers = ledgers(config(new Budget(1_000, 0), Budget.NONE));
        ledgers.get(0).reserve(KEY, 700, 0); // node 0 dies with this call in flight: never settled, never renewed
        BudgetLedger.Reservation survivor = ledgers.get(1).reserve(KEY, 200, 0);
        assertThatThrownBy(() -> ledgers.get(2).reserve(KEY, 500, 0))
                .hasMessageContaining("900 reserved by calls in flight");

        elapse(TTL.dividedBy(2));
        budgets.get(1).upkeep(); // node 1 renews its own reservation
        budgets.get(2).upkeep();
        elapse(TTL.dividedBy(2).plusSeconds(1));

        ledgers.get(2).reserve(KEY, 500, 0); // the refused reservation sweeps the account's expired rows
        assertThat(ledgers.get(2).keySpend("k").reservedTokens()).isEqualTo(700);
        survivor.settle(200, 0);
        assertThat(ledgers.get(2).keySpend("k")).isEqualTo(new BudgetLedger.Spend(200, 0, 500, 0));
    }

    @Test
    void the_upkeep_gives_expired_reservations_back_and_a_late_settlement_still_counts_its_spend() {
        List<BudgetLedger> ledgers = ledgers(config(new Budget(1_000, 0), Budget.NONE));
        BudgetLedger.Reservation slow = ledgers.get(0).reserve(KEY, 300, 0);
        elapse(TTL.plusSeconds(1));

        assertThat(budgets.get(1).upkeep()).isEqualTo(1);
        assertThat(ledgers.get(1).keySpend("k")).isEqualTo(new BudgetLedger.Spend(0, 0, 0, 0));

        slow.settle(250, 0);
        assertThat(ledgers.get(1).keySpend("k")).isEqualTo(new BudgetLedger.Spend(250, 0, 0, 0));
    }

    @Test
    void an_account_starts_from_its_usage_records() {
        NODES.getFirst().usage().append(List.of(record("k", null, 600, 300, 0.25), record("other", null, 50, 50, 0),
                record("anonymous", "run-1", 400, 100, 0)));
        List<BudgetLedger> ledgers = ledgers(config(new Budget(1_000, 0), new Budget(600, 0)));

        assertThatThrownBy(() -> ledgers.get(0).reserve(KEY, 101, 0)).hasMessageContaining("900 spent");
        ledgers.get(1).reserve(KEY, 100, 0);
        assertThatThrownBy(() -> ledgers.get(2).reserve(CallContext.step("anonymous", "run-1", "wf", "s"), 101, 0))
                .hasMessageContaining("budget of run 'run-1'", "500 spent");
        assertThat(ledgers.get(2).keySpend("k").costUsd()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void a_call_under_a_key_and_a_run_budget_reserves_both_or_neither() {
        List<BudgetLedger> ledgers = ledgers(config(new Budget(1_000, 0), new Budget(100, 0)));
        CallContext step = new CallContext("k", "run-7", "wf", "s", true);

        assertThatThrownBy(() -> ledgers.get(0).reserve(step, 150, 0)).hasMessageContaining("budget of run 'run-7'");
        BudgetLedger.Reservation both = ledgers.get(1).reserve(step, 80, 0);

        assertThat(ledgers.get(2).keySpend("k")).isEqualTo(new BudgetLedger.Spend(0, 0, 80, 0));
        assertThat(ledgers.get(2).runSpend("run-7")).isEqualTo(new BudgetLedger.Spend(0, 0, 80, 0));
        both.settle(60, 0);
        assertThat(ledgers.get(2).keySpend("k")).isEqualTo(new BudgetLedger.Spend(60, 0, 0, 0));
        assertThat(ledgers.get(2).runSpend("run-7")).isEqualTo(new BudgetLedger.Spend(60, 0, 0, 0));
    }

    @Test
    void an_unreachable_database_refuses_a_reservation_as_unavailable_and_a_settlement_does_not_throw() {
        var down = new JdbcBudgets(Unreachable.dataSource(), TTL, false);
        BudgetLedger ledger = new BudgetLedger(config(new Budget(1_000, 0), Budget.NONE), down);

        assertThatThrownBy(() -> ledger.reserve(KEY, 10, 0)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
        var up = new java.util.concurrent.atomic.AtomicBoolean(true);
        var flaky = new JdbcBudgets(Unreachable.reachableWhile(up::get, NODES.getFirst().dataSource()), TTL, false);
        BudgetLedger.Reservation held = new BudgetLedger(config(new Budget(1_000, 0), Budget.NONE), flaky)
                .reserve(KEY, 10, 0);
        up.set(false);
        held.settle(10, 0); // logged, not thrown: the caller keeps its answer

        up.set(true);
        elapse(TTL.dividedBy(2));
        flaky.upkeep(); // its holder lives on, but does not renew a reservation it gave up on
        elapse(TTL.dividedBy(2).plusSeconds(1));
        assertThat(budgets.get(1).upkeep()).as("expired and given back").isEqualTo(1);
        assertThat(ledgers(config(new Budget(1_000, 0), Budget.NONE)).get(1).keySpend("k"))
                .isEqualTo(new BudgetLedger.Spend(0, 0, 0, 0));
    }

    @Test
    void concurrent_first_reservations_on_a_fresh_account_are_all_admitted_when_they_fit() throws Exception {
        List<BudgetLedger> ledgers = ledgers(config(Budget.NONE, new Budget(10_000, 0)));
        for (int round = 0; round < 10; round++) {
            String runId = "run-fresh-" + round;
            int calls = 6 + round % 7; // 6 to 12 parallel steps making the run's first calls at once
            var go = new CountDownLatch(1);
            var workers = new ArrayList<Future<BudgetLedger.Reservation>>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < calls; i++) {
                    BudgetLedger ledger = ledgers.get(i % 3);
                    CallContext step = CallContext.step("anonymous", runId, "wf", "s" + i);
                    workers.add(threads.submit(() -> {
                        go.await();
                        return ledger.reserve(step, 100, 0);
                    }));
                }
                go.countDown();
            }
            for (Future<BudgetLedger.Reservation> worker : workers) {
                worker.get().settle(100, 0); // throws (ExecutionException) if a reservation was refused
            }
            assertThat(ledgers.get(0).runSpend(runId)).as(runId)
                    .isEqualTo(new BudgetLedger.Spend(100L * calls, 0, 0, 0));
        }
    }

    @Test
    void reservations_expire_in_the_databases_time() throws Exception {
        ledgers(config(new Budget(1_000, 0), Budget.NONE)).get(0).reserve(KEY, 100, 0);

        try (Connection connection = NODES.getFirst().dataSource().getConnection();
             var statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT EXTRACT(EPOCH FROM expires_at - clock_timestamp())"
                     + " FROM gateway_budget_reservations")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getDouble(1)).isBetween(TTL.toSeconds() - 30.0, (double) TTL.toSeconds());
        }
        assertThat(budgets.get(1).upkeep()).as("nothing expired yet").isZero();
        elapse(TTL.plusSeconds(1));
        assertThat(budgets.get(1).upkeep()).isEqualTo(1);
    }

    @Test
    void reconciliation_adds_the_spending_of_a_lost_settlement_from_the_usage_records_and_never_lowers() {
        var up = new java.util.concurrent.atomic.AtomicBoolean(true);
        var flaky = new JdbcBudgets(Unreachable.reachableWhile(up::get, NODES.getFirst().dataSource()), TTL, false);
        GatewayConfig config = config(new Budget(1_000, 0), Budget.NONE);
        BudgetLedger.Reservation lost = new BudgetLedger(config, flaky).reserve(KEY, 400, 0);
        BudgetLedger other = ledgers(config).get(1);
        other.reserve(KEY, 100, 0).settle(100, 0.5);
        up.set(false);
        lost.settle(300, 0.25); // logged and dropped: the database is unreachable
        up.set(true);
        // the usage records of both calls are written (the recorder retries), after their settlements
        NODES.getFirst().usage().append(List.of(record("k", null, 200, 100, 0.25), record("k", null, 60, 40, 0.5)));
        elapse(TTL.plusSeconds(1));
        budgets.get(1).upkeep(); // the lost call's reservation expires
        assertThat(other.keySpend("k")).as("before").isEqualTo(new BudgetLedger.Spend(100, 0.5, 0, 0));

        assertThat(flaky.reconcile()).isEqualTo(1);
        BudgetLedger.Spend healed = other.keySpend("k");
        assertThat(healed.tokens()).isEqualTo(400);
        assertThat(healed.costUsd()).isCloseTo(0.75, within(1e-12));
        assertThat(flaky.reconcile()).as("each account once per interval, until used again").isZero();

        other.reserve(KEY, 50, 0).settle(50, 0); // settled, its usage record not written yet
        assertThat(budgets.get(1).reconcile()).as("spending is never lowered to the records").isZero();
        assertThat(other.keySpend("k").tokens()).isEqualTo(450);
        flaky.close();
    }

    /** Ledgers enforcing tenant "acme"'s {@code dailyTokens} of 1000, as of {@code at}. */
    private List<BudgetLedger> tenantLedgers(Quotas quotas, Instant at) {
        QuotaSource source = (tenantId, keyId) -> tenantId == null ? List.of()
                : List.of(new QuotaScope(QuotaScope.Kind.TENANT, tenantId, quotas, "security.tenants." + tenantId
                        + ".quotas"));
        return budgets.stream().map(accounts -> new BudgetLedger(GatewayConfig.EMPTY, accounts, source, () -> at))
                .toList();
    }

    @Test
    void a_tenants_daily_budget_holds_for_the_cluster_under_concurrent_calls() throws Exception {
        Instant noon = Instant.parse("2026-11-21T12:00:00Z");
        List<BudgetLedger> ledgers = tenantLedgers(new Quotas(0, 0, 0, 1_000, 0, 0, 0), noon);
        CallContext acme = CallContext.direct("anonymous").withTenant("acme", null);
        var admitted = new AtomicInteger();
        var refused = new AtomicInteger();
        var go = new CountDownLatch(1);

        var workers = new ArrayList<Future<?>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 60; i++) {
                BudgetLedger ledger = ledgers.get(i % 3);
                workers.add(threads.submit(() -> {
                    go.await();
                    try {
                        ledger.reserve(acme, 100, 0).settle(100, 0);
                        admitted.incrementAndGet();
                    } catch (BatonException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                        assertThat(e.errors().getFirst().field()).isEqualTo("security.tenants.acme.quotas.dailyTokens");
                        assertThat(e.retryAfter()).contains(Duration.ofHours(12));
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
        }
        for (Future<?> worker : workers) {
            worker.get();
        }

        assertThat(admitted.get()).isEqualTo(10);
        assertThat(refused.get()).isEqualTo(50);
        assertThat(budgets.get(2).spend("tenant:acme:day:2026-11-21"))
                .isEqualTo(new BudgetLedger.Spend(1_000, 0, 0, 0));
    }

    @Test
    void a_tenants_month_account_starts_from_its_records_since_the_first_of_the_month() {
        NODES.getFirst().usage().append(List.of(
                tenantRecord(Instant.parse("2026-10-31T23:59:59Z"), "acme", 5_000), // last month
                tenantRecord(Instant.parse("2026-11-02T08:00:00Z"), "acme", 700),
                tenantRecord(Instant.parse("2026-11-03T08:00:00Z"), "globex", 900)));
        List<BudgetLedger> ledgers = tenantLedgers(new Quotas(0, 0, 0, 0, 0, 1_000, 0),
                Instant.parse("2026-11-21T12:00:00Z"));
        CallContext acme = CallContext.direct("anonymous").withTenant("acme", null);

        assertThatThrownBy(() -> ledgers.get(0).reserve(acme, 301, 0)).isInstanceOfSatisfying(BatonException.class,
                e -> {
                    assertThat(e.getMessage()).contains("monthly budget of tenant 'acme' (UTC 2026-11)", "700 spent");
                    assertThat(e.errors().getFirst().field()).isEqualTo("security.tenants.acme.quotas.monthlyTokens");
                });
        ledgers.get(1).reserve(acme, 300, 0).settle(300, 0);
        assertThat(budgets.get(2).spend("tenant:acme:month:2026-11").tokens()).isEqualTo(1_000);
    }

    private static UsageRecord tenantRecord(Instant at, String tenant, long tokens) {
        return new UsageRecord(at, "anonymous", null, null, null, "gpt", "d", "openai", "gpt-x", "chat", tokens, 0,
                false, 0, Duration.ofMillis(5), null, false, null, tenant, null);
    }

    /** Makes {@code duration} pass for every reservation (moves their expiry back in the database). */
    private static void elapse(Duration duration) {
        try (Connection connection = NODES.getFirst().dataSource().getConnection();
             PreparedStatement age = connection.prepareStatement("UPDATE gateway_budget_reservations"
                     + " SET expires_at = expires_at - CAST(? AS double precision) * interval '1 millisecond'")) {
            age.setLong(1, duration.toMillis());
            age.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private UsageRecord record(String principal, String runId, long input, long output, double cost) {
        return new UsageRecord(now, principal, runId, runId == null ? null : "wf", runId == null ? null : "s",
                "gpt", "d", "openai", "gpt-x", "chat", input, output, false, cost, Duration.ofMillis(5), null, false,
                null);
    }
}
