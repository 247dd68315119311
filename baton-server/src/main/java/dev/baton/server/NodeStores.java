package dev.baton.server;

import dev.baton.core.error.BatonException;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.InMemoryWorkflowStore;
import dev.baton.core.store.RunQuery;
import dev.baton.core.store.RunStore;
import dev.baton.core.store.WorkflowStore;
import dev.baton.gateway.usage.InMemoryUsageStore;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.server.logging.SecretMask;
import dev.baton.store.jdbc.JdbcStores;
import dev.baton.store.jdbc.StoreConfig;

/**
 * The stores a node opened, and how to probe and close them.
 *
 * @param runs      the run store
 * @param workflows the workflow store
 * @param usage     the AI gateway's usage records (same database; in memory for a memory store)
 * @param label     what the stores are, for readiness detail (no password)
 * @param closer    releases connections; a no-op for memory
 */
record NodeStores(RunStore runs, WorkflowStore workflows, UsageStore usage, String label, AutoCloseable closer) {

    /** Opens the configured store. */
    static NodeStores open(BatonConfig config) {
        BatonConfig.Store store = config.store();
        return switch (store.type()) {
            case MEMORY -> new NodeStores(new InMemoryRunStore(), new InMemoryWorkflowStore(),
                    new InMemoryUsageStore(), "memory", () -> { });
            case H2, POSTGRESQL -> {
                SecretMask.remember(store.password());
                JdbcStores jdbc = JdbcStores.open(new StoreConfig(store.url(), store.user(), store.password(),
                        store.poolSize()));
                String label = store.type().configName() + " " + withoutParameters(store.url());
                yield new NodeStores(jdbc.runs(), jdbc.workflows(), jdbc.usage(), label, jdbc);
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

    /** Whether the run store answers a trivial query. */
    ComponentHealth probe(String tenantId) {
        try {
            runs.list(tenantId, RunQuery.firstPage(1));
            return ComponentHealth.ready(label + " reachable");
        } catch (BatonException | IllegalStateException e) {
            return ComponentHealth.notReady(label + " unreachable: " + e.getMessage());
        }
    }
}
