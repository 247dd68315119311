package dev.baton.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.cluster.InMemoryClusterSignals;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Several engines as the nodes of one cluster in this JVM: one {@link InMemoryRunStore} whose leases run on the
 * store's own manual clock, one {@link InMemoryClusterSignals} bus, and a {@link ManualEngineClock} per node (a
 * node's timers, its heartbeats and polls included, run only when the test moves its clock: a node whose clock
 * stands still is a paused node). Every node's handlers record which node executed which step of which run.
 */
final class ClusterFixture implements AutoCloseable {
    static final String TENANT = "default";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration TTL = Duration.ofSeconds(6);
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration POLL = Duration.ofSeconds(1);

    /** The store's time (a database's now()). */
    final ManualEngineClock storeClock = new ManualEngineClock(T0);
    final InMemoryRunStore store = new InMemoryRunStore(storeClock);
    final InMemoryClusterSignals bus = new InMemoryClusterSignals();
    final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
    /** Every step execution of every node, in order. */
    final List<Execution> executions = new CopyOnWriteArrayList<>();
    final List<Node> nodes = new ArrayList<>();

    /** One step execution by a handler. */
    record Execution(String node, String runId, String stepId, int attempt) {
    }

    /** One engine of the cluster. */
    final class Node {
        final String id;
        final ManualEngineClock clock = new ManualEngineClock(T0);
        final ClusterSignals signals = bus.join();
        final Gate gate;
        final LocalEngine engine;
        boolean alive = true;

        Node(String id, EngineConfig config, LoadShedding shedding, RunLeases leases) {
            this.id = id;
            this.gate = new Gate(id);
            StepRegistry registry = StepRegistry.of(List.of(new Echo(id), gate));
            ClusterSettings settings = ClusterSettings.defaults(id).withLeaseTtl(TTL, HEARTBEAT)
                    .withPollInterval(POLL);
            this.engine = LocalEngine.builder(store, (tenant, wf, version) -> {
                        Workflow workflow = workflows.get(wf);
                        if (workflow == null) {
                            throw BatonException.notFound("workflow", wf);
                        }
                        return workflow;
                    }, registry)
                    .clock(clock)
                    .random(new SplittableRandom(7))
                    .config(config)
                    .loadShedding(shedding)
                    .cluster(settings, leases, signals)
                    .build();
        }

        Run start(String workflowId, String inputsYaml) {
            return start(workflowId, inputsYaml, 0);
        }

        Run start(String workflowId, String inputsYaml, int priority) {
            return engine.start(new StartRequest(TENANT, workflowId, 0, EngineFixture.json(inputsYaml), priority,
                    null));
        }

        RunView finish(Run run) {
            try {
                return engine.completion(TENANT, run.id()).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("run " + run.id() + " did not finish on " + id + ": "
                        + engine.get(TENANT, run.id()), e);
            }
        }

        /** A crash: the engine stops, keeping its leases until they expire. */
        void kill() {
            alive = false;
            engine.close();
            signals.close();
        }
    }

    ClusterFixture(String... workflowNames) {
        for (String name : workflowNames) {
            register(name);
        }
    }

    Node add(String id) {
        return add(id, EngineConfig.DEFAULT, LoadShedding.OFF);
    }

    Node add(String id, EngineConfig config, LoadShedding shedding) {
        return add(id, config, shedding, store.leases());
    }

    /** A node using {@code leases} (e.g. a wrapper of the store's that fails on demand). */
    Node add(String id, EngineConfig config, LoadShedding shedding, RunLeases leases) {
        Node node = new Node(id, config, shedding, leases);
        nodes.add(node);
        return node;
    }

    /** Moves the store's clock and the clock of every live node by {@code amount}, in steps of a poll interval. */
    void advanceAll(Duration amount) {
        advance(amount, nodes.stream().filter(n -> n.alive).toArray(Node[]::new));
    }

    /** Moves the store's clock and the clocks of {@code moving} (the others stand still) by {@code amount}. */
    void advance(Duration amount, Node... moving) {
        Duration left = amount;
        while (!left.isZero()) {
            Duration step = left.compareTo(POLL) < 0 ? left : POLL;
            storeClock.advance(step);
            for (Node node : moving) {
                node.clock.advance(step);
            }
            left = left.minus(step);
        }
    }

    /** The nodes that executed steps of this run. */
    Set<String> executors(String runId) {
        return executions.stream().filter(e -> e.runId.equals(runId)).map(Execution::node).collect(Collectors.toSet());
    }

    List<Execution> executionsOf(String runId) {
        return executions.stream().filter(e -> e.runId.equals(runId)).toList();
    }

    private void register(String name) {
        String resource = "/engine/" + name + ".yaml";
        try (InputStream in = ClusterFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test workflow " + resource);
            }
            Workflow workflow = EngineFixture.PARSER.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    name + ".yaml").withVersion(1);
            workflows.put(workflow.id(), workflow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            if (node.alive) {
                node.kill();
            }
        }
    }

    /** {@code echo}: records the execution and returns {@code {"echo": <arguments>, "node": <id>, "step": <id>}}. */
    final class Echo implements StepHandler {
        private final String node;

        Echo(String node) {
            this.node = node;
        }

        @Override
        public String type() {
            return "echo";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of("value"));
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) {
            executions.add(new Execution(node, context.runId(), context.stepId(), context.attempt()));
            var out = JsonNodeFactory.instance.objectNode();
            out.set("echo", arguments);
            out.put("node", node);
            out.put("step", context.stepId());
            return out;
        }
    }

    /** {@code gate}: records the execution, then blocks until the test releases it (or it is interrupted). */
    final class Gate implements StepHandler {
        private final String node;
        final Semaphore releases = new Semaphore(0);
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicInteger passed = new AtomicInteger();

        Gate(String node) {
            this.node = node;
        }

        @Override
        public String type() {
            return "gate";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of("value"));
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            executions.add(new Execution(node, context.runId(), context.stepId(), context.attempt()));
            entered.incrementAndGet();
            try {
                releases.acquire();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            passed.incrementAndGet();
            var out = JsonNodeFactory.instance.objectNode();
            out.set("echo", arguments);
            return out.put("node", node);
        }

        void release(int count) {
            releases.release(count);
        }
    }
}
