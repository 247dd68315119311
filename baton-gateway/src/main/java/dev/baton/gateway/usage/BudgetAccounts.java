package dev.baton.gateway.usage;

import java.util.List;

/**
 * Where budget accounts keep what they spent and what calls in flight reserved: in this node's memory
 * ({@link LocalBudgetAccounts}, the default, exact for one node) or in a database shared by the nodes of a
 * cluster (the PostgreSQL implementation in {@code baton-store-jdbc}), so a budget holds for the cluster.
 *
 * <p>Implementations are thread-safe. An account unknown to the implementation starts from the spending its usage
 * records show ({@link UsageStore#summarize} filtered by {@link BudgetAccount#dimension()}), so budgets survive
 * restarts.
 */
public interface BudgetAccounts {

    /**
     * Reserves {@code tokens} and {@code costUsd} on every account of {@code accounts}, all or none: each is
     * admitted only when {@code spent + reserved + this reservation ≤ cap} ({@link BudgetAccount#refusal}), checked
     * and updated atomically with respect to every other reservation, on every node that shares the accounts.
     *
     * @param accounts the budgets that apply, 1 or more, distinct ids
     * @param tokens   tokens to reserve, ≥ 0
     * @param costUsd  USD to reserve, ≥ 0
     * @return the hold, to be settled exactly once
     * @throws dev.baton.core.error.BatonException {@code BUDGET_EXCEEDED} naming the budget, its cap and what is
     *         spent and reserved (nothing is reserved then); {@code STORE_UNAVAILABLE} when the spending cannot be
     *         read or updated
     */
    Hold reserve(List<BudgetAccount> accounts, long tokens, double costUsd);

    /** What account {@code id} has spent and reserved now, or {@code null} when it has no record here. */
    BudgetLedger.Spend spend(String id);

    /** A reservation made by {@link #reserve}. */
    interface Hold {
        /**
         * Replaces the reservation by what the call used ({@code 0, 0} to drop it). Called once. Never throws: a
         * failure to record it is logged, and a shared store's reservation then expires on its own.
         *
         * @param tokens  tokens used, ≥ 0
         * @param costUsd USD used, ≥ 0
         */
        void settle(long tokens, double costUsd);
    }
}
