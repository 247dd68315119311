package dev.baton.gateway.usage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.error.BatonException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link BudgetAccounts} in this node's memory: exact for one node.
 *
 * <p>Reserve and settle are lock-free compare-and-set updates of an immutable {@link BudgetLedger.Spend} per
 * account. The first time an account is seen (and again after it was idle for {@code idleExpiry}) its spending so
 * far is read from the {@link UsageStore}, outside any lock: concurrent first calls wait for the one read; when it
 * fails, the call fails with the store's error (a budget that cannot be checked admits nothing) and the next call
 * reads again. Records still waiting in the {@link UsageRecorder} queue at that moment are not in the store yet,
 * which is why only accounts idle for a while are dropped. With several nodes each node enforces the total it read
 * plus its own spending since: use the shared implementation there.
 *
 * <p>Thread-safe.
 */
public final class LocalBudgetAccounts implements BudgetAccounts {
    private final UsageStore store;
    private final Cache<String, CompletableFuture<Account>> accounts;

    /**
     * @param store      where spending so far is read from
     * @param idleExpiry how long an unused account is kept
     * @param ticker     nanosecond time source of that expiry
     */
    public LocalBudgetAccounts(UsageStore store, Duration idleExpiry, Ticker ticker) {
        this.store = Objects.requireNonNull(store, "store");
        this.accounts = Caffeine.newBuilder()
                .expireAfterAccess(Objects.requireNonNull(idleExpiry, "idleExpiry"))
                .ticker(Objects.requireNonNull(ticker, "ticker"))
                .executor(Runnable::run)
                .build();
    }

    /** One account: what it is and its spending. */
    private record Account(BudgetAccount budget, AtomicReference<BudgetLedger.Spend> spend) {

        /** Reserves, or explains why not ({@code null} when reserved). */
        BatonException tryReserve(long tokens, double cost) {
            while (true) {
                BudgetLedger.Spend now = spend.get();
                if (budget.refusal(now, tokens, cost) != null) {
                    return budget.exceeded(now, tokens, cost);
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

    @Override
    public Hold reserve(List<BudgetAccount> budgets, long tokens, double costUsd) {
        List<Account> reserved = new ArrayList<>(budgets.size());
        for (BudgetAccount budget : budgets) {
            Account account;
            try {
                account = account(budget);
            } catch (RuntimeException e) {
                reserved.forEach(done -> done.settle(tokens, costUsd, 0, 0));
                throw e;
            }
            BatonException refusal = account.tryReserve(tokens, costUsd);
            if (refusal != null) {
                reserved.forEach(done -> done.settle(tokens, costUsd, 0, 0));
                throw latestRefusal(refusal, budgets.subList(budgets.indexOf(budget) + 1, budgets.size()), tokens,
                        costUsd);
            }
            reserved.add(account);
        }
        return (usedTokens, usedCost) -> reserved.forEach(account -> account.settle(tokens, costUsd, usedTokens,
                usedCost));
    }

    /** {@code refusal}, or a later one among the {@code rest} of the accounts (see {@link BudgetAccount#later}). */
    private BatonException latestRefusal(BatonException refusal, List<BudgetAccount> rest, long tokens, double cost) {
        BatonException latest = refusal;
        for (BudgetAccount budget : rest) {
            BudgetLedger.Spend now = account(budget).spend().get();
            if (budget.refusal(now, tokens, cost) != null) {
                latest = BudgetAccount.later(latest, budget.exceeded(now, tokens, cost));
            }
        }
        return latest;
    }

    @Override
    public BudgetLedger.Spend spend(String id) {
        CompletableFuture<Account> account = accounts.getIfPresent(id);
        return account == null || !account.isDone() || account.isCompletedExceptionally()
                ? null : account.join().spend().get();
    }

    private Account account(BudgetAccount budget) {
        var mine = new CompletableFuture<Account>();
        CompletableFuture<Account> existing = accounts.asMap().putIfAbsent(budget.id(), mine);
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
            UsageDimension dimension = budget.dimension();
            for (UsageTotals totals : store.summarize(new UsageQuery(dimension, budget.from(), null,
                    Map.of(dimension, budget.value())))) {
                tokens += totals.inputTokens() + totals.outputTokens();
                cost += totals.costUsd();
            }
            Account account = new Account(budget, new AtomicReference<>(new BudgetLedger.Spend(tokens, cost, 0, 0)));
            mine.complete(account);
            return account;
        } catch (RuntimeException e) {
            accounts.asMap().remove(budget.id(), mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
