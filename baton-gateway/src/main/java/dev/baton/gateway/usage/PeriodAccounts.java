package dev.baton.gateway.usage;

import dev.baton.core.security.Quotas;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.quota.QuotaScope;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The budget accounts of one quota scope at one instant: its UTC day's ({@code dailyTokens}, {@code dailyCostUsd})
 * and its UTC calendar month's ({@code monthlyTokens}, {@code monthlyCostUsd}).
 *
 * <p>The period is part of the account id ({@code tenant:acme:day:2026-11-21}, {@code apikey:k_1:month:2026-11}),
 * so a new period starts a new, empty account and nothing has to be reset; the account's spending so far is read
 * from the usage records of the tenant ({@link UsageDimension#TENANT}) or key ({@link UsageDimension#API_KEY})
 * since the period's first instant. A refusal says when the period ends ({@code retryAfter}). A call in flight
 * across midnight stays reserved against the period it was admitted in and is settled there. Stateless.
 */
final class PeriodAccounts {
    private PeriodAccounts() {
    }

    /** Whether {@code scope} has any day or month budget. */
    static boolean isBudgeted(QuotaScope scope) {
        Quotas q = scope.quotas();
        return q.dailyTokens() > 0 || q.dailyCostUsd() > 0 || q.monthlyTokens() > 0 || q.monthlyCostUsd() > 0;
    }

    /** The day and month accounts of {@code scope} at {@code now} (none, one or two). */
    static List<BudgetAccount> of(QuotaScope scope, Instant now) {
        Quotas q = scope.quotas();
        List<BudgetAccount> accounts = new ArrayList<>(2);
        UsageDimension dimension = scope.kind() == QuotaScope.Kind.TENANT ? UsageDimension.TENANT
                : UsageDimension.API_KEY;
        String base = scope.kind().prefix() + ":" + scope.id();
        if (q.dailyTokens() > 0 || q.dailyCostUsd() > 0) {
            LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
            Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant until = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            accounts.add(new BudgetAccount(base + ":day:" + day, "daily budget of " + scope.label() + " (UTC " + day
                    + ")", new Budget(q.dailyTokens(), q.dailyCostUsd()), dimension, scope.id(), from,
                    scope.field("dailyTokens"), scope.field("dailyCostUsd"), Duration.between(now, until)));
        }
        if (q.monthlyTokens() > 0 || q.monthlyCostUsd() > 0) {
            YearMonth month = YearMonth.from(now.atOffset(ZoneOffset.UTC));
            Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant until = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            accounts.add(new BudgetAccount(base + ":month:" + month, "monthly budget of " + scope.label() + " (UTC "
                    + month + ")", new Budget(q.monthlyTokens(), q.monthlyCostUsd()), dimension, scope.id(), from,
                    scope.field("monthlyTokens"), scope.field("monthlyCostUsd"), Duration.between(now, until)));
        }
        return accounts;
    }
}
