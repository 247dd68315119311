package dev.baton.gateway.usage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.GatewayConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
 * Reservation#release} drops it when the call failed). Reserve and settle are lock-free compare-and-set updates
 * of an immutable {@link Spend}, so concurrent calls cannot together overspend a budget by more than the amount
 * by which real usage exceeds its reservation.
 *
 * <p>Budgets are lifetime totals: there is no period (day, month) yet. The first time a principal or run is seen
 * (and again after its account was idle for {@code idleExpiry}) its spending so far is read from the
 * {@link UsageStore} ({@code summarize} filtered by the principal or run), so budgets survive restarts. That
 * read happens outside any lock: concurrent first calls wait for the one read; when it fails, the call fails
 * with the store's error (a budget that cannot be checked admits nothing) and the next call reads again.
 * Records still waiting in the {@link UsageRecorder} queue at that moment are not in the store yet, which is why
 * accounts idle for a while only are dropped. With several nodes each node enforces the total it read plus its
 * own spending since; a budget is exact for one node only.
 *
 * <p>Thread-safe.
 */
public final class BudgetLedger {
    /** How long an account unused is kept before it is dropped (and read from the store again when needed). */
    public static final Duration DEFAULT_IDLE_EXPIRY = Duration.ofHours(1);

    private final Map<String, Budget> keyBudgets;
    private final Budget runBudget;
    private final UsageStore store;
    private final Cache<String, CompletableFuture<Account>> accounts;

    /** A ledger with the default idle expiry and the system ticker. */
    public BudgetLedger(GatewayConfig config, UsageStore store) {
        this(config, store, DEFAULT_IDLE_EXPIRY, Ticker.systemTicker());
    }

    /**
     * A ledger.
     *
     * @param store      where spending so far is read from
     * @param idleExpiry how long an unused account is kept
     * @param ticker     nanosecond time source of that expiry
     */
    public BudgetLedger(GatewayConfig config, UsageStore store, Duration idleExpiry, Ticker ticker) {
        Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        var budgets = new HashMap<String, Budget>();
        for (ClientKey key : config.keys()) {
            if (key.budget().isCapped()) {
                budgets.put(key.id(), key.budget());
            }
        }
        this.keyBudgets = Map.copyOf(budgets);
        this.runBudget = config.runBudget();
        this.accounts = Caffeine.newBuilder()
                .expireAfterAccess(Objects.requireNonNull(idleExpiry, "idleExpiry"))
                .ticker(Objects.requireNonNull(ticker, "ticker"))
                .executor(Runnable::run)
                .build();
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

    /** One budget's account: its name for messages, its cap and its spending. */
    private record Account(String name, Budget cap, AtomicReference<Spend> spend) {

        /** Reserves, or explains why not ({@code null} when reserved). */
        String tryReserve(long tokens, double cost) {
            while (true) {
                Spend now = spend.get();
                if (cap.maxTokens() > 0 && now.tokens() + now.reservedTokens() + tokens > cap.maxTokens()) {
                    return name + " would be exceeded: cap " + cap.maxTokens() + " tokens, " + now.tokens()
                            + " spent, " + now.reservedTokens() + " reserved by calls in flight, this call may use up to "
                            + tokens;
                }
                if (cap.maxCostUsd() > 0 && now.costUsd() + now.reservedCost() + cost > cap.maxCostUsd()) {
                    return name + " would be exceeded: cap " + usd(cap.maxCostUsd()) + " USD, " + usd(now.costUsd())
                            + " spent, " + usd(now.reservedCost()) + " reserved by calls in flight, this call may cost up to "
                            + usd(cost);
                }
                if (spend.compareAndSet(now, now.plusReserved(tokens, cost))) {
                    return null;
                }
            }
        }

        void settle(long reservedTokens, double reservedCost, long tokens, double cost) {
            spend.updateAndGet(now -> now.settled(reservedTokens, reservedCost, tokens, cost));
        }
    }

    /** Whether any budget applies to {@code call} (its key's or its run's); when none does, reserving is a no-op. */
    public boolean isBudgeted(CallContext call) {
        return keyBudgets.containsKey(call.principal()) || (call.runId() != null && runBudget.isCapped());
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
        List<Account> applicable = new ArrayList<>(2);
        Budget keyBudget = keyBudgets.get(call.principal());
        if (keyBudget != null) {
            applicable.add(account("key:" + call.principal(), "budget of key '" + call.principal() + "'", keyBudget,
                    UsageDimension.PRINCIPAL, call.principal()));
        }
        if (call.runId() != null && runBudget.isCapped()) {
            applicable.add(account("run:" + call.runId(), "budget of run '" + call.runId() + "'", runBudget,
                    UsageDimension.RUN, call.runId()));
        }
        List<Account> reserved = new ArrayList<>(applicable.size());
        for (Account account : applicable) {
            String refusal = account.tryReserve(tokens, costUsd);
            if (refusal != null) {
                reserved.forEach(done -> done.settle(tokens, costUsd, 0, 0));
                throw new BatonException(ErrorCode.BUDGET_EXCEEDED, refusal);
            }
            reserved.add(account);
        }
        return new Reservation(List.copyOf(reserved), tokens, costUsd);
    }

    /**
     * What the budget of API key {@code keyId} has spent and reserved now, or {@code null} when it has no
     * account (uncapped, or unused since start or for longer than the idle expiry). For operators and tests.
     */
    public Spend keySpend(String keyId) {
        return spend("key:" + keyId);
    }

    /** What the budget of run {@code runId} has spent and reserved now, or {@code null}; see {@link #keySpend}. */
    public Spend runSpend(String runId) {
        return spend("run:" + runId);
    }

    private Spend spend(String id) {
        CompletableFuture<Account> account = accounts.getIfPresent(id);
        return account == null || !account.isDone() || account.isCompletedExceptionally()
                ? null : account.join().spend().get();
    }

    private Account account(String id, String name, Budget cap, UsageDimension dimension, String value) {
        var mine = new CompletableFuture<Account>();
        CompletableFuture<Account> existing = accounts.asMap().putIfAbsent(id, mine);
        if (existing != null) {
            try {
                return existing.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            long tokens = 0;
            double cost = 0;
            for (UsageTotals totals : store.summarize(new UsageQuery(dimension, null, null, Map.of(dimension, value)))) {
                tokens += totals.inputTokens() + totals.outputTokens();
                cost += totals.costUsd();
            }
            Account account = new Account(name, cap, new AtomicReference<>(new Spend(tokens, cost, 0, 0)));
            mine.complete(account);
            return account;
        } catch (RuntimeException e) {
            accounts.asMap().remove(id, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static String usd(double amount) {
        return String.format(Locale.ROOT, "%.6f", amount);
    }

    /**
     * A call's reservation against its budgets. Settle it with the real usage, or release it when the call
     * failed; only the first of those counts. Thread-safe.
     */
    public static final class Reservation {
        /** The reservation of a call no budget applies to. */
        public static final Reservation NONE = new Reservation(List.of(), 0, 0);

        private final List<Account> accounts;
        private final long tokens;
        private final double costUsd;
        private final AtomicBoolean done = new AtomicBoolean();

        private Reservation(List<Account> accounts, long tokens, double costUsd) {
            this.accounts = accounts;
            this.tokens = tokens;
            this.costUsd = costUsd;
        }

        /** Replaces the reservation by what the call used: {@code usedTokens} (input + output) and USD. */
        public void settle(long usedTokens, double usedCostUsd) {
            if (usedTokens < 0 || !(usedCostUsd >= 0)) {
                throw new IllegalArgumentException("usage must be ≥ 0: " + usedTokens + ", " + usedCostUsd);
            }
            if (!accounts.isEmpty() && done.compareAndSet(false, true)) {
                accounts.forEach(account -> account.settle(tokens, costUsd, usedTokens, usedCostUsd));
            }
        }

        /** Drops the reservation: the call used nothing. */
        public void release() {
            settle(0, 0);
        }

        /** Whether any budget applied to the call. */
        public boolean isBudgeted() {
            return !accounts.isEmpty();
        }
    }
}
