package dev.baton.core.store;

import dev.baton.core.run.RunStatus;

import java.util.Map;
import java.util.Objects;

/**
 * The runs of one tenant, all workflows together, in an {@link AnalyticsWindow}.
 *
 * @param tenantId the tenant
 * @param byStatus runs per status (every status present, 0 when none)
 */
public record TenantStats(String tenantId, Map<RunStatus, Long> byStatus) {
    public TenantStats {
        Objects.requireNonNull(tenantId, "tenantId");
        byStatus = StatusCounts.complete(RunStatus.class, byStatus);
    }

    /** All runs in the window. */
    public long runs() {
        return StatusCounts.sum(byStatus);
    }

    /** Succeeded runs divided by runs in a terminal status (0..1), or {@code null} when none finished. */
    public Double successRate() {
        long finished = byStatus.entrySet().stream().filter(e -> e.getKey().isTerminal())
                .mapToLong(Map.Entry::getValue).sum();
        return finished == 0 ? null : (double) byStatus.get(RunStatus.SUCCEEDED) / finished;
    }
}
