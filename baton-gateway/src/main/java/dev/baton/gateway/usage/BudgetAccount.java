package dev.baton.gateway.usage;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.gateway.config.Budget;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One budget a call is checked against: a configured gateway key's or a run's (lifetime totals), or a tenant's or
 * stored API key's quota for one UTC day or month (period-scoped: the period is part of the id, so a new period
 * starts a new, empty account).
 *
 * @param id          the account's stable id: {@code key:<key id>}, {@code run:<run id>},
 *                    {@code tenant:<tenant>:day:2026-11-21}, {@code apikey:<key id>:month:2026-11}...
 * @param name        what messages call it: {@code budget of key 'team-a'}
 * @param cap         its caps (tokens and USD; 0 = that dimension uncapped)
 * @param dimension   where its spending so far is found in the usage records ({@code PRINCIPAL}, {@code RUN} or
 *                    {@code TENANT})
 * @param value       the principal, run id or tenant to filter the usage records by
 * @param from        the start of the account's period (usage records before it do not count), or {@code null}
 *                    for a lifetime account
 * @param tokensField the setting that names the token cap, for the error's {@code errors[0].field}
 *                    (e.g. {@code security.tenants.acme.quotas.dailyTokens}), or {@code null}
 * @param costField   the setting that names the USD cap, or {@code null}
 * @param retryAfter  how long until the period ends and the account starts over, or {@code null} (never)
 */
public record BudgetAccount(String id, String name, Budget cap, UsageDimension dimension, String value, Instant from,
                            String tokensField, String costField, Duration retryAfter) {

    public BudgetAccount {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(value, "value");
    }

    /** A lifetime account without field names (a configured key's or a run's budget). */
    public BudgetAccount(String id, String name, Budget cap, UsageDimension dimension, String value) {
        this(id, name, cap, dimension, value, null, null, null, null);
    }

    /**
     * The {@code BUDGET_EXCEEDED} error of a reservation of {@code tokens} and {@code cost} refused on top of
     * {@code now}: the {@link #refusal} as message, the cap's setting as field error, and {@link #retryAfter()}.
     */
    public BatonException exceeded(BudgetLedger.Spend now, long tokens, double cost) {
        String message = refusal(now, tokens, cost);
        if (message == null) {
            message = name + " would be exceeded";
        }
        boolean byTokens = cap.maxTokens() > 0 && now.tokens() + now.reservedTokens() + tokens > cap.maxTokens();
        String field = byTokens ? tokensField : costField;
        List<FieldError> errors = field == null ? List.of() : List.of(new FieldError(field, message));
        return new BatonException(ErrorCode.BUDGET_EXCEEDED, message, false, errors, null, retryAfter);
    }

    /**
     * Of two refusals of one reservation, the one to report: the one whose {@code Retry-After} is later (a refusal
     * without one, a lifetime budget, is the latest), so that a call refused by both its spent daily and monthly
     * budgets is told to come back when the month ends, not at midnight. {@code first} when they tie.
     */
    public static BatonException later(BatonException first, BatonException other) {
        if (first.retryAfter().isEmpty()) {
            return first;
        }
        if (other.retryAfter().isEmpty()) {
            return other;
        }
        return other.retryAfter().get().compareTo(first.retryAfter().get()) > 0 ? other : first;
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
