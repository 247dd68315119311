package dev.baton.server.cli;

import dev.baton.core.engine.Engine;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.InMemoryWorkflowStore;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowCatalog;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A light real backend for CLI tests: the real parser, validator, catalog and engine over in-memory stores, with
 * only the engine's built-in step types (transform, sleep, map, workflow). No embedding model is loaded, so
 * tests of the CLI's own behaviour stay fast.
 */
final class CoreBackend implements CliBackend {
    private final StepRegistry registry = StepRegistry.of(List.of());
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public Workflow validate(String source, String sourceName) {
        return new WorkflowCatalog(new InMemoryWorkflowStore(), registry).validate(source, sourceName);
    }

    @Override
    public LocalNode openLocal(Path dataDir) {
        opened.incrementAndGet();
        InMemoryRunStore runs = new InMemoryRunStore();
        WorkflowCatalog catalog = new WorkflowCatalog(new InMemoryWorkflowStore(), registry);
        InputValidator inputs = new InputValidator();
        LocalEngine engine = LocalEngine.builder(runs, catalog, registry).inputValidator(inputs).build();
        return new LocalNode() {
            @Override
            public String tenantId() {
                return "default";
            }

            @Override
            public Workflow register(String source, String sourceName) {
                return catalog.register(tenantId(), source, sourceName);
            }

            @Override
            public Engine engine() {
                return engine;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
                engine.close();
            }
        };
    }

    @Override
    public RunningServer startServer(String host, Integer port, Path configFile) {
        throw new AssertionError("not used by these tests");
    }
}
