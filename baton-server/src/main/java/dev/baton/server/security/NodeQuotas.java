package dev.baton.server.security;

import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.routing.QuotaBuckets;

import java.util.Objects;

/**
 * The quotas of a node's tenants and API keys, as the parts that enforce them: the request and token rates
 * ({@link QuotaBuckets}, buckets shared with the gateway's), concurrent runs ({@link RunQuotas}). The day and month
 * budgets are enforced by the gateway's budget ledger from the same {@link TenantQuotas}.
 *
 * @param source  whose quotas apply to whom
 * @param buckets the buckets of the rate quotas (the gateway's {@link BucketStore})
 * @param runs    the concurrent-run quotas
 */
public record NodeQuotas(TenantQuotas source, QuotaBuckets buckets, RunQuotas runs) {
    public NodeQuotas {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(buckets, "buckets");
        Objects.requireNonNull(runs, "runs");
    }
}
