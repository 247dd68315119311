package dev.baton.server;

import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.HealthState;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The detailed health of a node ({@code GET /api/v1/health}): each component with what an operator needs to
 * judge it, and the overall {@link #status()} (the worst component's). While the node is still starting (or
 * failed to start), the components are {@code null} and {@link #detail()} says why.
 *
 * @param status         the worst of the components' statuses; {@link HealthStatus#DOWN} while starting
 * @param checkedAt      when the components were probed
 * @param detail         a sentence for operators
 * @param store          the run and workflow store, or {@code null} while starting
 * @param embeddingModel the in-process embedding model, or {@code null} while starting
 * @param engine         the workflow engine's load, or {@code null} while starting
 * @param gateway        the AI gateway's deployments, or {@code null} while starting
 */
public record HealthReport(HealthStatus status, Instant checkedAt, String detail, StoreHealth store,
                           ModelHealth embeddingModel, EngineHealth engine, GatewayHealth gateway) {
    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkedAt, "checkedAt");
        Objects.requireNonNull(detail, "detail");
    }

    /** The report of a node that is not open (yet): DOWN with {@code detail}. */
    public static HealthReport notOpen(Instant checkedAt, String detail) {
        return new HealthReport(HealthStatus.DOWN, checkedAt, detail, null, null, null, null);
    }

    /**
     * The store, probed with a trivial query and a read of its migration version.
     *
     * @param status          UP when it answers and its schema is migrated, else DOWN
     * @param type            {@code h2}, {@code postgresql} or {@code memory}
     * @param reachable       whether it answered
     * @param schemaVersion   the applied migration version, or {@code null} (memory, unreachable)
     * @param expectedVersion the migration version this build needs, or {@code null} (memory)
     * @param latencyMs       how long the probe took, ms
     * @param detail          what was found (the URL without credentials or parameters)
     */
    public record StoreHealth(HealthStatus status, String type, boolean reachable, String schemaVersion,
                              String expectedVersion, double latencyMs, String detail) {
    }

    /**
     * The in-process embedding model.
     *
     * @param status UP when loaded or disabled, DOWN while loading or after a failed load
     * @param name   the model's name, or {@code null} when disabled
     * @param state  {@code ready}, {@code loading}, {@code failed} or {@code disabled}
     * @param detail a sentence for operators
     */
    public record ModelHealth(HealthStatus status, String name, String state, String detail) {
    }

    /**
     * The engine's load against its limits ({@code engine:} settings).
     *
     * @param status          DEGRADED when the queue is at least 90% full (new runs are about to be refused), else UP
     * @param runsInFlight    runs executing now
     * @param runsQueued      runs waiting for a slot
     * @param attemptsWaiting step attempts waiting for a concurrency permit
     * @param maxRunningRuns  {@code engine.maxRunningRuns}
     * @param maxQueuedRuns   {@code engine.maxQueuedRuns}
     */
    public record EngineHealth(HealthStatus status, int runsInFlight, int runsQueued, int attemptsWaiting,
                               int maxRunningRuns, int maxQueuedRuns) {
    }

    /**
     * The AI gateway.
     *
     * @param status      DEGRADED when an enabled deployment is degraded, unhealthy or has its breaker open, else UP
     * @param deployments every deployment, in alias then configured order
     */
    public record GatewayHealth(HealthStatus status, List<Deployment> deployments) {
        public GatewayHealth {
            deployments = List.copyOf(deployments);
        }

        /**
         * One deployment as the router sees it.
         *
         * @param uptimePercent share of successful recent checks, 0..100
         * @param latencyEwmaMs moving average of recent successful call latency, ms
         */
        public record Deployment(String id, String alias, String provider, String model, boolean enabled,
                                 HealthState health, BreakerState breaker, double uptimePercent, long inFlight,
                                 double latencyEwmaMs) {
        }
    }
}
