package dev.baton.server;

import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.AuditLog;
import dev.baton.core.security.InMemoryApiKeyStore;
import dev.baton.core.security.InMemoryAuditLog;
import dev.baton.core.store.InMemoryRunAnalytics;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.InMemoryWorkflowStore;
import dev.baton.core.store.RunAnalytics;
import dev.baton.core.store.RunQuery;
import dev.baton.core.store.RunStore;
import dev.baton.core.store.WorkflowStore;
import dev.baton.gateway.usage.InMemoryUsageStore;
import dev.baton.core.security.InMemoryRunSlots;
import dev.baton.core.security.RunSlots;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.server.logging.SecretMask;
import dev.baton.store.jdbc.JdbcStores;
import dev.baton.store.jdbc.SchemaStatus;
import dev.baton.store.jdbc.StoreConfig;

import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The stores a node opened, and how to probe and close them.
 *
 * @param runs      the run store
 * @param workflows the workflow store
 * @param usage     the AI gateway's usage records (same database; in memory for a memory store)
 * @param analytics figures about the runs of {@code runs}, computed from the same store
 * @param type      {@code h2}, {@code postgresql} or {@code memory}
 * @param label     what the stores are, for readiness detail (no password)
 * @param schema    reads the schema's migration state; {@code null} for memory (nothing to migrate)
 * @param closer    releases connections; a no-op for memory
 * @param leases    the run leases of a store shared by several nodes (PostgreSQL), else {@code null}: the engine
 *                  runs in cluster mode exactly when this is set
 * @param signals   wake-ups between the nodes (PostgreSQL {@code LISTEN/NOTIFY}), else {@link ClusterSignals#NONE};
 *                  closed by {@link #closer} before the connections
 * @param shared    the JDBC stores when the store is shared by several nodes (PostgreSQL), else {@code null}: where
 *                  the AI gateway keeps the rate limits and budgets that hold for the cluster
 * @param apiKeys   the stored API keys (same database; in memory for a memory store)
 * @param audit     the append-only audit log (same database; in memory for a memory store)
 * @param runSlots  the concurrent-run slots of tenants and API keys (in the database for H2 and PostgreSQL, in
 *                  memory for a memory store)
 */
record NodeStores(RunStore runs, WorkflowStore workflows, UsageStore usage, RunAnalytics analytics, String type,
                  String label, Supplier<SchemaStatus> schema, AutoCloseable closer, RunLeases leases,
                  ClusterSignals signals, JdbcStores shared, ApiKeyStore apiKeys, AuditLog audit,
                  RunSlots runSlots) {

    NodeStores {
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(runSlots, "runSlots");
    }

    /** Stores with API keys, the audit log and run slots kept in memory. */
    NodeStores(RunStore runs, WorkflowStore workflows, UsageStore usage, RunAnalytics analytics, String type,
               String label, Supplier<SchemaStatus> schema, AutoCloseable closer, RunLeases leases,
               ClusterSignals signals, JdbcStores shared) {
        this(runs, workflows, usage, analytics, type, label, schema, closer, leases, signals, shared,
                new InMemoryApiKeyStore(), new InMemoryAuditLog(), new InMemoryRunSlots(InstantSource.system()));
    }

    /** Stores of a single node (no leases, no signals) with API keys and the audit log in memory: for tests. */
    NodeStores(RunStore runs, WorkflowStore workflows, UsageStore usage, RunAnalytics analytics, String type,
               String label, Supplier<SchemaStatus> schema, AutoCloseable closer) {
        this(runs, workflows, usage, analytics, type, label, schema, closer, null, ClusterSignals.NONE, null);
    }

    /** Whether the store is shared by a cluster of nodes (leases and signals set). */
    boolean clustered() {
        return leases != null;
    }

    /** Opens the configured store on a virtual thread of its own (start-up does other work meanwhile). */
    static CompletableFuture<NodeStores> openInBackground(BatonConfig config) {
        CompletableFuture<NodeStores> opening = new CompletableFuture<>();
        Thread.ofVirtual().name("baton-store-open").start(() -> {
            try {
                opening.complete(open(config));
            } catch (Throwable t) {
                opening.completeExceptionally(t);
            }
        });
        return opening;
    }

    /** Waits for {@link #openInBackground}, rethrowing what opening threw as it was thrown. */
    static NodeStores await(CompletableFuture<NodeStores> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Opens the configured store. */
    static NodeStores open(BatonConfig config) {
        BatonConfig.Store store = config.store();
        return switch (store.type()) {
            case MEMORY -> {
                InMemoryRunStore runs = new InMemoryRunStore();
                yield new NodeStores(runs, new InMemoryWorkflowStore(), new InMemoryUsageStore(),
                        new InMemoryRunAnalytics(runs), store.type().configName(), "memory", null, () -> { }, null,
                        ClusterSignals.NONE, null, new InMemoryApiKeyStore(), new InMemoryAuditLog(),
                        new InMemoryRunSlots(InstantSource.system()));
            }
            case H2, POSTGRESQL -> {
                SecretMask.remember(store.password());
                JdbcStores jdbc = JdbcStores.open(new StoreConfig(store.url(), store.user(), store.password(),
                        store.poolSize(), store.connectionTimeout(), store.socketTimeout()));
                String label = store.type().configName() + " " + withoutParameters(store.url());
                if (!config.clustered()) {
                    yield new NodeStores(jdbc.runs(), jdbc.workflows(), jdbc.usage(), jdbc.analytics(),
                            store.type().configName(), label, jdbc::schema, jdbc, null, ClusterSignals.NONE, null,
                            jdbc.apiKeys(), jdbc.audit(), jdbc.runSlots(InstantSource.system()));
                }
                try {
                    ClusterSignals signals = jdbc.signals();
                    AutoCloseable closer = () -> {
                        try {
                            signals.close();
                        } finally {
                            jdbc.close();
                        }
                    };
                    yield new NodeStores(jdbc.runs(), jdbc.workflows(), jdbc.usage(), jdbc.analytics(),
                            store.type().configName(), label, jdbc::schema, closer, jdbc.leases(), signals, jdbc,
                            jdbc.apiKeys(), jdbc.audit(), jdbc.runSlots(InstantSource.system()));
                } catch (RuntimeException | Error e) {
                    jdbc.close();
                    throw e;
                }
            }
        };
    }

    /** The URL without {@code ;settings} or {@code ?query}, which may carry credentials. */
    private static String withoutParameters(String url) {
        int cut = url.length();
        for (char c : new char[] {';', '?'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return url.substring(0, cut);
    }

    /**
     * Probes the store: the run store answers a trivial query and (JDBC) the schema is migrated to the version
     * this build needs. UP when both hold, else DOWN. Never throws.
     */
    HealthReport.StoreHealth probe(String tenantId) {
        long start = System.nanoTime();
        try {
            runs.list(tenantId, RunQuery.firstPage(1));
            SchemaStatus status = schema == null ? null : schema.get();
            double latencyMs = (System.nanoTime() - start) / 1e6;
            if (status == null) {
                return new HealthReport.StoreHealth(HealthStatus.UP, type, true, null, null, latencyMs,
                        label + " reachable");
            }
            if (!status.current()) {
                return new HealthReport.StoreHealth(HealthStatus.DOWN, type, true, status.applied(),
                        status.expected(), latencyMs, label + " reachable, but its schema is at version "
                        + status.applied() + " and this build needs " + status.expected() + " (migrations not done)");
            }
            return new HealthReport.StoreHealth(HealthStatus.UP, type, true, status.applied(), status.expected(),
                    latencyMs, label + " reachable, schema version " + status.applied());
        } catch (RuntimeException e) {
            double latencyMs = (System.nanoTime() - start) / 1e6;
            return new HealthReport.StoreHealth(HealthStatus.DOWN, type, false, null, null, latencyMs,
                    label + " unreachable: " + e.getMessage());
        }
    }
}
