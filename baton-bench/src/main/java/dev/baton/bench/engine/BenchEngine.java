package dev.baton.bench.engine;

import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.error.BatonException;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.InMemoryWorkflowStore;
import dev.baton.core.store.RunStore;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.store.WorkflowStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import dev.baton.store.jdbc.JdbcStores;
import dev.baton.store.jdbc.StoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An engine as the product wires it, for load harnesses: the embedded H2 file store with the product's settings
 * ({@link StoreConfig#h2(Path)}: {@code WRITE_DELAY=0}, pool of 8) in a fresh temporary directory, or the in-memory
 * store; {@link EngineConfig#DEFAULT} unless told otherwise; workflows registered in the workflow store and resolved
 * from it (parsed once, cached). The temporary directory is deleted on close.
 *
 * <p>The store can be wrapped (e.g. by {@link DurableMoments}) to observe the journal.
 */
public final class BenchEngine implements AutoCloseable {
    public static final String TENANT = "default";

    /** Which store the engine journals to. */
    public enum StoreKind {
        /** The embedded default: an H2 file database (durable across a SIGKILL of the JVM). */
        H2,
        /** {@link InMemoryRunStore}: nothing persisted; the engine's own cost without I/O. */
        MEMORY;

        public static StoreKind parse(String value) {
            return switch (value) {
                case "h2" -> H2;
                case "memory" -> MEMORY;
                default -> throw new IllegalArgumentException("--store must be h2 or memory, got " + value);
            };
        }
    }

    private final Path directory;
    private final JdbcStores jdbc;
    private final RunStore runs;
    private final WorkflowStore workflows;
    private final LocalEngine engine;
    private final Map<String, Workflow> parsed = new ConcurrentHashMap<>();
    private final WorkflowParser parser = new WorkflowParser();

    private BenchEngine(Path directory, JdbcStores jdbc, RunStore runs, WorkflowStore workflows,
                        List<StepHandler> handlers, EngineConfig config, EngineObserver observer) {
        this.directory = directory;
        this.jdbc = jdbc;
        this.runs = runs;
        this.workflows = workflows;
        this.engine = LocalEngine.builder(runs, this::resolve, StepRegistry.of(handlers)).config(config)
                .observer(observer).build();
    }

    /**
     * Opens the store and builds the engine.
     *
     * @param wrap decorates the run store the engine uses (identity for none)
     */
    public static BenchEngine open(StoreKind kind, List<StepHandler> handlers, EngineConfig config,
                            UnaryOperator<RunStore> wrap) {
        return open(kind, handlers, config, wrap, EngineObserver.NONE);
    }

    /**
     * Opens the store and builds the engine with an observer (metrics, traces) watching it.
     *
     * @param wrap decorates the run store the engine uses (identity for none)
     */
    public static BenchEngine open(StoreKind kind, List<StepHandler> handlers, EngineConfig config,
                                   UnaryOperator<RunStore> wrap, EngineObserver observer) {
        Objects.requireNonNull(kind, "kind");
        return switch (kind) {
            case MEMORY -> new BenchEngine(null, null, wrap.apply(new InMemoryRunStore()),
                    new InMemoryWorkflowStore(), handlers, config, observer);
            case H2 -> {
                Path directory;
                try {
                    directory = Files.createTempDirectory("baton-bench-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                JdbcStores stores = JdbcStores.open(StoreConfig.h2(directory));
                yield new BenchEngine(directory, stores, wrap.apply(stores.runs()), stores.workflows(), handlers,
                        config, observer);
            }
        };
    }

    /** Validates and stores a workflow definition (YAML); returns its id. */
    public String register(String yaml) {
        Workflow workflow = parser.parse(yaml, "bench.yaml");
        workflows.save(TENANT, workflow.id(), yaml);
        return workflow.id();
    }

    public LocalEngine engine() {
        return engine;
    }

    public RunStore runs() {
        return runs;
    }

    /** Where the H2 database lives, or {@code null} for memory. */
    public Path directory() {
        return directory;
    }

    private Workflow resolve(String tenantId, String workflowId, int version) {
        StoredWorkflow stored = (version == 0 ? workflows.latest(tenantId, workflowId)
                : workflows.version(tenantId, workflowId, version))
                .orElseThrow(() -> BatonException.notFound("workflow", workflowId));
        return parsed.computeIfAbsent(workflowId + "@" + stored.version(),
                key -> parser.parse(stored.source(), workflowId).withVersion(stored.version()));
    }

    @Override
    public void close() {
        engine.close();
        if (jdbc != null) {
            jdbc.close();
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + directory + ": " + e.getMessage());
            }
        }
    }
}
