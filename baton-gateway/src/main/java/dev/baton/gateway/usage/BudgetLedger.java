package dev.baton.gateway.usage;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.ClientKey;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What each budgeted API key and workflow run has spent, and what calls in flight have reserved.
 *
 * <p>Budgets come from configuration: {@link ClientKey#budget()} per key id (the call's principal) and
 * {@link GatewayConfig#runBudget()} for every run (calls whose {@link CallContext#runId()} is set). A budget of 0
 * tokens / 0 USD is no cap, and an uncapped principal or run costs nothing here (no account, no store read).
 *
 * <p>Protocol: before a call, {@link #reserve} its worst case; it is admitted only when, for every budget that
 * applies, {@code spent + reserved by calls in flight + this worst case ≤ cap} (tokens and cost separately);
 * otherwise {@code BUDGET_EXCEEDED} is thrown and nothing is reserved. After the call,
 * {@link Reservation#settle} replaces the reservation by what the call really used (or {@link
 * Reservation#release} drops it when the call failed). Reservations are checked and updated atomically, so
 * concurrent calls cannot together overspend a budget by more than the amount by which real usage exceeds its
 * reservation.
 *
 * <p>Where the accounts live is a {@link BudgetAccounts}: {@link LocalBudgetAccounts} in memory (the default;
 * exact for one node: with several nodes each enforces what it read from the store plus its own spending since),
 * or a database table shared by the nodes of a cluster, which makes the budget hold for the cluster. Key and run
 * budgets are lifetime totals; the quotas of tenants and stored API keys ({@link QuotaSource}) add budgets per UTC
 * day and month, one account per period ({@link PeriodAccounts}). Spending so far is read back from the usage
 * records the first time an account is used (since the period's start for a period account), so budgets survive
 * restarts.
 *
 * <p>Thread-safe.
 */
public final class BudgetLedger {
    /** How long an account unused is kept in memory before it is dropped (and read from the store again). */
    public static final Duration DEFAULT_IDLE_EXPIRY = Duration.ofHours(1);

    private final Map<String, Budget> keyBudgets;
    private final Budget runBudget;
    private final BudgetAccounts accounts;
    private final QuotaSource quotas;
    private final InstantSource clock;

    /** A ledger in memory with the default idle expiry and the system ticker. */
    public BudgetLedger(GatewayConfig config, UsageStore store) {
        this(config, store, DEFAULT_IDLE_EXPIRY, Ticker.systemTicker());
    }

    /**
     * A ledger in memory ({@link LocalBudgetAccounts}).
     *
     * @param store      where spending so far is read from
     * @param idleExpiry how long an unused account is kept
     * @param ticker     nanosecond time source of that expiry
     */
    public BudgetLedger(GatewayConfig config, UsageStore store, Duration idleExpiry, Ticker ticker) {
        this(config, new LocalBudgetAccounts(store, idleExpiry, ticker));
    }

    /** A ledger whose accounts live in {@code accounts} (e.g. shared by a cluster). */
    public BudgetLedger(GatewayConfig config, BudgetAccounts accounts) {
        this(config, accounts, QuotaSource.NONE, InstantSource.system());
    }

    /**
     * A ledger that also enforces the daily and monthly budgets of the calls' tenants and stored API keys
     * ({@link Quotas#dailyTokens()}, {@link Quotas#dailyCostUsd()}, {@link Quotas#monthlyTokens()},
     * {@link Quotas#monthlyCostUsd()}): one account per scope and UTC period ({@link PeriodAccounts}), created from
     * the usage records of that tenant or key since the period started.
     *
     * @param quotas whose quotas apply to a call
     * @param clock  decides the current UTC day and month
     */
    public BudgetLedger(GatewayConfig config, BudgetAccounts accounts, QuotaSource quotas, InstantSource clock) {
        Objects.requireNonNull(config, "config");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
        this.clock = Objects.requireNonNull(clock, "clock");
        var budgets = new HashMap<String, Budget>();
        for (ClientKey key : config.keys()) {
            if (key.budget().isCapped()) {
                budgets.put(key.id(), key.budget());
            }
        }
        this.keyBudgets = Map.copyOf(budgets);
        this.runBudget = config.runBudget();
    }

    /**
     * Spending of one budget: spent by finished calls, reserved by calls in flight.
     *
     * @param tokens         tokens (input + output) spent
     * @param costUsd        USD spent
     * @param reservedTokens tokens reserved by calls in flight
     * @param reservedCost   USD reserved by calls in flight
     */
    public record Spend(long tokens, double costUsd, long reservedTokens, double reservedCost) {
        Spend plusReserved(long moreTokens, double moreCost) {
            return new Spend(tokens, costUsd, reservedTokens + moreTokens, reservedCost + moreCost);
        }

        Spend settled(long reservedTokensFreed, double reservedCostFreed, long spentTokens, double spentCost) {
            return new Spend(tokens + spentTokens, costUsd + spentCost, reservedTokens - reservedTokensFreed,
                    Math.max(0, reservedCost - reservedCostFreed));
        }
    }

    /**
     * Whether any budget applies to {@code call} (its configured key's, its run's, its tenant's or stored API key's
     * day or month); when none does, reserving is a no-op.
     */
    public boolean isBudgeted(CallContext call) {
        return keyBudgets.containsKey(call.principal()) || (call.runId() != null && runBudget.isCapped())
                || quotas.scopes(call.tenantId(), call.keyId()).stream().anyMatch(PeriodAccounts::isBudgeted);
    }

    /**
     * Reserves a call's worst case against every budget that applies to it.
     *
     * @param call    the caller (principal) and run
     * @param tokens  the most tokens (input + output) the call may use, ≥ 0
     * @param costUsd the most it may cost, ≥ 0
     * @return the reservation, to be settled or released exactly once (later calls are ignored)
     * @throws BatonException {@code BUDGET_EXCEEDED} naming the budget, its cap and what is spent;
     *                        {@code STORE_UNAVAILABLE} when spending so far cannot be read
     */
    public Reservation reserve(CallContext call, long tokens, double costUsd) {
        if (tokens < 0 || !(costUsd >= 0)) {
            throw new IllegalArgumentException("reservation must be ≥ 0: " + tokens + " tokens, " + costUsd + " USD");
        }
        List<BudgetAccount> applicable = new ArrayList<>(2);
        Budget keyBudget = keyBudgets.get(call.principal());
        if (keyBudget != null) {
            applicable.add(new BudgetAccount("key:" + call.principal(), "budget of key '" + call.principal() + "'",
                    keyBudget, UsageDimension.PRINCIPAL, call.principal()));
        }
        if (call.runId() != null && runBudget.isCapped()) {
            applicable.add(new BudgetAccount("run:" + call.runId(), "budget of run '" + call.runId() + "'", runBudget,
                    UsageDimension.RUN, call.runId()));
        }
        for (QuotaScope scope : quotas.scopes(call.tenantId(), call.keyId())) {
            applicable.addAll(PeriodAccounts.of(scope, clock.instant()));
        }
        if (applicable.isEmpty()) {
            return Reservation.NONE;
        }
        return new Reservation(accounts.reserve(List.copyOf(applicable), tokens, costUsd));
    }

    /**
     * What the budget of API key {@code keyId} has spent and reserved now, or {@code null} when it has no
     * account (uncapped, or unused since start or for longer than the idle expiry). For operators and tests.
     */
    public Spend keySpend(String keyId) {
        return accounts.spend("key:" + keyId);
    }

    /** What the budget of run {@code runId} has spent and reserved now, or {@code null}; see {@link #keySpend}. */
    public Spend runSpend(String runId) {
        return accounts.spend("run:" + runId);
    }

    /**
     * A call's reservation against its budgets. Settle it with the real usage, or release it when the call
     * failed; only the first of those counts. Thread-safe.
     */
    public static final class Reservation {
        /** The reservation of a call no budget applies to. */
        public static final Reservation NONE = new Reservation(null);

        private final BudgetAccounts.Hold hold;
        private final AtomicBoolean done = new AtomicBoolean();

        private Reservation(BudgetAccounts.Hold hold) {
            this.hold = hold;
        }

        /** Replaces the reservation by what the call used: {@code usedTokens} (input + output) and USD. */
        public void settle(long usedTokens, double usedCostUsd) {
            if (usedTokens < 0 || !(usedCostUsd >= 0)) {
                throw new IllegalArgumentException("usage must be ≥ 0: " + usedTokens + ", " + usedCostUsd);
            }
            if (hold != null && done.compareAndSet(false, true)) {
                hold.settle(usedTokens, usedCostUsd);
            }
        }

        /** Drops the reservation: the call used nothing. */
        public void release() {
            settle(0, 0);
        }

        /** Whether any budget applied to the call. */
        public boolean isBudgeted() {
            return hold != null;
        }
    }
}
