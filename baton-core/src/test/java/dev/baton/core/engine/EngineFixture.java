package dev.baton.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** An engine over an in-memory store and a manual clock, with helpers to start runs and wait for them. */
final class EngineFixture implements AutoCloseable {
    static final String TENANT = "default";
    static final WorkflowParser PARSER = new WorkflowParser();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final RunStore store;
    ManualEngineClock clock = new ManualEngineClock(T0);
    final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
    final StepRegistry registry;
    EngineConfig config;
    /** What the engines of this fixture tell about runs and attempts; set with {@link #observe}. */
    EngineObserver observer = EngineObserver.NONE;
    LocalEngine engine;

    EngineFixture(EngineConfig config, StepHandler... handlers) {
        this(new InMemoryRunStore(), config, handlers);
    }

    EngineFixture(RunStore store, EngineConfig config, StepHandler... handlers) {
        this.store = store;
        this.registry = StepRegistry.of(List.of(handlers));
        this.config = config;
        this.engine = newEngine();
    }

    EngineFixture(StepHandler... handlers) {
        this(EngineConfig.DEFAULT, handlers);
    }

    private LocalEngine newEngine() {
        return LocalEngine.builder(store, (tenant, id, version) -> {
                    Workflow workflow = workflows.get(id);
                    if (workflow == null || (version != 0 && version != workflow.version())) {
                        throw BatonException.notFound("workflow", id);
                    }
                    return workflow;
                }, registry)
                .clock(clock)
                .random(new SplittableRandom(42))
                .config(config)
                .observer(observer)
                .build();
    }

    /** Replaces the (unused) engine by one that tells {@code value}; call before starting runs. */
    EngineFixture observe(EngineObserver value) {
        engine.close();
        observer = value;
        engine = newEngine();
        return this;
    }

    /** Parses {@code /engine/<name>.yaml} from the test resources and registers it as version 1. */
    EngineFixture register(String name) {
        String resource = "/engine/" + name + ".yaml";
        try (InputStream in = EngineFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test workflow " + resource);
            }
            Workflow workflow = PARSER.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".yaml")
                    .withVersion(1);
            workflows.put(workflow.id(), workflow);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String yaml) {
        try {
            JsonNode node = YAML.readTree(yaml);
            return node == null ? YAML.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    Run start(String workflowId, String inputsYaml) {
        return engine.start(new dev.baton.core.engine.StartRequest(TENANT, workflowId, 0,
                json(inputsYaml), 0, null));
    }

    Run start(String workflowId) {
        return start(workflowId, "{}");
    }

    RunView finish(Run run) {
        try {
            return engine.completion(TENANT, run.id()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("run " + run.id() + " did not finish: " + view(run), e);
        }
    }

    RunView view(Run run) {
        return engine.get(TENANT, run.id()).orElseThrow();
    }

    JsonNode output(RunView view, String path) {
        return view.run().outputs().at(path);
    }

    /** Waits (for other threads, not for time) until the condition holds; fails after 30 s of real time. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Waits for {@code count} pending timers, then advances the clock by {@code amount}. */
    void advanceWhenTimers(int count, Duration amount) {
        eventually(count + " pending timer(s)", () -> clock.pendingTimers() >= count);
        clock.advance(amount);
    }

    /** Simulates a crash: the engine stops without finishing anything; a new engine opens the same store. */
    void restart() {
        engine.close();
        clock = new ManualEngineClock(clock.instant());
        engine = newEngine();
        engine.resumeUnfinished();
    }

    @Override
    public void close() {
        engine.close();
    }
}
