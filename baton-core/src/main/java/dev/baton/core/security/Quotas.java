package dev.baton.core.security;

/**
 * The limits of one tenant or one API key. 0 means "no limit" for every value. Rates are token buckets
 * refilled continuously per minute; budgets are spent tokens/cost per calendar day or month (UTC) and are
 * enforced by reserve-then-reconcile, so concurrent calls cannot overspend them.
 *
 * @param requestsPerMinute  API requests (REST and OpenAI-compatible) per minute, ≥ 0
 * @param tokensPerMinute    model tokens (input + output) per minute, ≥ 0
 * @param maxConcurrentRuns  runs queued or running at once, ≥ 0
 * @param dailyTokens        tokens per UTC day, ≥ 0
 * @param dailyCostUsd       cost per UTC day in USD, ≥ 0
 * @param monthlyTokens      tokens per UTC calendar month, ≥ 0
 * @param monthlyCostUsd     cost per UTC calendar month in USD, ≥ 0
 */
public record Quotas(long requestsPerMinute, long tokensPerMinute, int maxConcurrentRuns, long dailyTokens,
                     double dailyCostUsd, long monthlyTokens, double monthlyCostUsd) {

    /** No limits at all. */
    public static final Quotas NONE = new Quotas(0, 0, 0, 0, 0, 0, 0);

    public Quotas {
        if (requestsPerMinute < 0 || tokensPerMinute < 0 || maxConcurrentRuns < 0 || dailyTokens < 0
            || monthlyTokens < 0 || !(dailyCostUsd >= 0) || !(monthlyCostUsd >= 0)) {
            throw new IllegalArgumentException("quotas must be ≥ 0 (0 = no limit)");
        }
    }

    /** Whether any limit is set. */
    public boolean isLimited() {
        return !equals(NONE);
    }
}
