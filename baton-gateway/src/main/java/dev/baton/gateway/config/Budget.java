package dev.baton.gateway.config;

/**
 * A spending cap checked before each call is admitted (reserve the worst case, then reconcile with the real
 * usage). 0 means no cap.
 *
 * @param maxTokens  total tokens (input + output), ≥ 0
 * @param maxCostUsd total cost in USD, ≥ 0
 */
public record Budget(long maxTokens, double maxCostUsd) {

    public static final Budget NONE = new Budget(0, 0);

    public Budget {
        if (maxTokens < 0 || !(maxCostUsd >= 0)) {
            throw new IllegalArgumentException("budgets must be ≥ 0 (0 = no cap)");
        }
    }

    public boolean isCapped() {
        return maxTokens > 0 || maxCostUsd > 0;
    }
}
