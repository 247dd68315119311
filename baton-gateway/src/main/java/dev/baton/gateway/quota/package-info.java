/**
 * Per-tenant and per-API-key quotas as the gateway sees them: {@link dev.baton.gateway.quota.QuotaSource} tells
 * which {@link dev.baton.gateway.quota.QuotaScope}s apply to a caller; the router enforces their rates (token
 * buckets, {@link dev.baton.gateway.routing.QuotaBuckets}) and the budget ledger their UTC day and month budgets
 * ({@link dev.baton.gateway.usage.BudgetLedger}). Where the quotas are configured (the server's
 * {@code security:} section, stored API keys) is not this package's business.
 *
 * <p>Depends on baton-core ({@link dev.baton.core.security.Quotas}) only.
 */
package dev.baton.gateway.quota;
