package dev.baton.gateway.usage;

import dev.baton.gateway.config.Budget;

import java.util.Locale;
import java.util.Objects;

/**
 * One budget a call is checked against: an API key's or a run's.
 *
 * @param id        the account's stable id: {@code key:<key id>} or {@code run:<run id>}
 * @param name      what messages call it: {@code budget of key 'team-a'}
 * @param cap       its caps (tokens and USD; 0 = that dimension uncapped)
 * @param dimension where its spending so far is found in the usage records ({@code PRINCIPAL} or {@code RUN})
 * @param value     the principal or run id to filter the usage records by
 */
public record BudgetAccount(String id, String name, Budget cap, UsageDimension dimension, String value) {

    public BudgetAccount {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Why reserving {@code tokens} and {@code cost} USD on top of {@code now} would overspend this budget, or
     * {@code null} when it would not: admitted iff {@code spent + reserved + this call ≤ cap}, tokens and USD
     * separately.
     */
    public String refusal(BudgetLedger.Spend now, long tokens, double cost) {
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
        return null;
    }

    static String usd(double amount) {
        return String.format(Locale.ROOT, "%.6f", amount);
    }
}
