package dev.baton.server;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.engine.LocalEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first half of a node's graceful shutdown: once {@link #drain} is called, readiness answers 503 with a
 * {@code draining} component (load balancers stop sending new requests), the engine refuses new runs
 * ({@code NOT_READY}, 503 with {@code Retry-After}) and stops claiming, the runs it owns get up to the drain timeout
 * to finish, and the rest are handed back ({@link LocalEngine#drain}: in a cluster their leases are released and
 * other nodes resume them at once; on a single node they resume at the next start). Reads (run status, lists,
 * event streams) keep working meanwhile. Thread-safe.
 */
final class NodeDrain {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDrain.class);

    private final LocalEngine engine;
    private final ClusterSettings cluster;
    private final AtomicBoolean draining = new AtomicBoolean();

    NodeDrain(LocalEngine engine, ClusterSettings cluster) {
        this.engine = engine;
        this.cluster = cluster;
    }

    /**
     * Drains the engine (blocks up to {@code timeout}, plus the release of the leases left).
     *
     * @return the runs handed back unfinished; 0 when already draining
     */
    int drain(Duration timeout) {
        if (!draining.compareAndSet(false, true)) {
            return 0;
        }
        LOG.info("node {} draining: no new runs; up to {} for its {} run(s) to finish", cluster.nodeId(),
                timeout, engine.activeRuns());
        long start = System.nanoTime();
        int handedBack = engine.drain(timeout);
        LOG.info("node {} drained in {} ms; {} unfinished run(s) handed back", cluster.nodeId(),
                (System.nanoTime() - start) / 1_000_000, handedBack);
        return handedBack;
    }

    boolean draining() {
        return draining.get();
    }

    /** {@code components} with a {@code drain} component first (not ready) while draining. */
    Map<String, ComponentHealth> readiness(Map<String, ComponentHealth> components) {
        if (!draining.get()) {
            return components;
        }
        Map<String, ComponentHealth> withDrain = new LinkedHashMap<>();
        withDrain.put("drain", ComponentHealth.notReady(detail()));
        withDrain.putAll(components);
        return withDrain;
    }

    /** {@code report}, DOWN with the drain as its detail while draining (readiness is then 503 too). */
    HealthReport report(HealthReport report) {
        if (!draining.get()) {
            return report;
        }
        return new HealthReport(HealthStatus.DOWN, report.checkedAt(), detail(), report.store(),
                report.embeddingModel(), report.engine(), report.gateway());
    }

    private String detail() {
        return "draining: node " + cluster.nodeId() + " is shutting down and takes no new runs; "
               + engine.activeRuns() + " run(s) still running (drain timeout " + cluster.drainTimeout() + ")";
    }
}
