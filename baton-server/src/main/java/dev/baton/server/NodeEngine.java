package dev.baton.server;

import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.WorkflowCatalog;
import dev.baton.server.security.ConfiguredSecrets;

/**
 * Builds a node's engine from its configuration: the {@code engine:} limits and load shedding, and cluster mode
 * exactly when the store is shared (PostgreSQL: {@link NodeStores#clustered()}), with the {@code cluster:}
 * settings, the store's run leases and its signals. Stateless.
 */
final class NodeEngine {
    private NodeEngine() {
    }

    /** The engine over {@code stores}' runs; call {@link LocalEngine#resumeUnfinished()} next. */
    static LocalEngine build(BatonConfig config, NodeStores stores, WorkflowCatalog catalog, StepRegistry steps,
                             EngineObserver observer) {
        BatonConfig.Engine limits = config.engine();
        LocalEngine.Builder engine = LocalEngine.builder(stores.runs(), catalog, steps)
                .config(EngineConfig.DEFAULT
                        .withMaxRunningRuns(limits.maxRunningRuns())
                        .withMaxQueuedRuns(limits.maxQueuedRuns())
                        .withMaxConcurrentAttempts(limits.maxConcurrentAttempts())
                        .withStepTypeLimits(limits.stepTypeLimits()))
                .loadShedding(limits.loadShedding())
                .inputValidator(new InputValidator())
                .observer(observer)
                .secrets(new ConfiguredSecrets(config.security().secrets(), config.security().systemTenant()));
        if (stores.clustered()) {
            // one node of several on a shared PostgreSQL: runs are leased (docs/operations.md "Scale-out")
            engine.cluster(config.cluster(), stores.leases(), stores.signals());
        }
        return engine.build();
    }
}
