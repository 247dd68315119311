package dev.baton.core.engine;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.engine.internal.EngineCore;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.secret.SecretSource;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.WorkflowResolver;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The {@link Engine} of one node: every run admitted or resumed by this process is owned by one coordinator here
 * until it finishes. Alone it owns every run of its store; built with {@link Builder#cluster} it is one node of a
 * cluster sharing the store, holding leases on the runs it executes (see {@code docs/engine.md}, "Cluster mode"). Build it with {@link #builder(RunStore, WorkflowResolver, StepRegistry)}; call
 * {@link #resumeUnfinished()} once after construction to pick up runs a previous process left unfinished.
 *
 * <p>How it works, in short: {@code start} stores the run {@code QUEUED} and admits it by priority; the run's
 * coordinator dispatches ready steps (all dependencies finished) on virtual threads under a global and per-type
 * concurrency limit; every state change is written to the store through a group-committed journal before the
 * engine acts on it; retries, timeouts and {@code sleep} use the injected {@link EngineClock}.
 *
 * <p>Thread-safe.
 */
public final class LocalEngine implements Engine {
    private final EngineCore core;

    private LocalEngine(EngineCore core) {
        this.core = core;
    }

    /**
     * A builder with the required parts.
     *
     * @param store    where runs, attempts and the journal live
     * @param resolver finds workflow versions (of runs and of child runs)
     * @param registry plug-in step handlers (flow-control types are built in)
     */
    public static Builder builder(RunStore store, WorkflowResolver resolver, StepRegistry registry) {
        return new Builder(store, resolver, registry);
    }

    @Override
    public Run start(StartRequest request) {
        return core.start(Objects.requireNonNull(request, "request"));
    }

    @Override
    public Optional<RunView> get(String tenantId, String runId) {
        return core.get(tenantId, runId);
    }

    @Override
    public CompletableFuture<RunView> completion(String tenantId, String runId) {
        return core.completion(tenantId, runId);
    }

    @Override
    public RunView await(String tenantId, String runId, Duration wait) throws InterruptedException {
        CompletableFuture<RunView> done = core.completion(tenantId, runId);
        try {
            return done.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return core.get(tenantId, runId).orElseThrow();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for run " + runId + " failed", e.getCause());
        }
    }

    @Override
    public Run cancel(String tenantId, String runId, String reason) {
        return core.cancel(tenantId, runId, reason);
    }

    @Override
    public Subscription subscribe(String tenantId, String runId, long afterSequence, Consumer<RunEvent> listener) {
        return core.subscribe(tenantId, runId, afterSequence, Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public int resumeUnfinished() {
        return core.resumeUnfinished();
    }

    /**
     * Graceful shutdown, first half: stops accepting and claiming runs ({@code start} then throws
     * {@code NOT_READY}), lets the runs this node owns finish for up to {@code timeout}, then hands the others back
     * (in a cluster their leases are released, so other nodes resume them at once; on a single node they resume on
     * the next start). Call {@link #close()} afterwards. The timeout is wall-clock time (an operational bound, not
     * the engine clock's).
     *
     * @return the number of runs handed back unfinished
     */
    public int drain(Duration timeout) {
        return core.drain(Objects.requireNonNull(timeout, "timeout"));
    }

    /** This node's id in its cluster, or {@code null} for a single node. */
    public String nodeId() {
        return core.nodeId();
    }

    /** Runs owned by this engine right now (admitted and not finished). */
    public int activeRuns() {
        return core.activeRuns();
    }

    /** Step attempts waiting for a global concurrency permit (saturation indicator). */
    public int attemptsWaitingForPermits() {
        return core.attemptsWaitingForPermits();
    }

    /** Runs waiting for admission on this node (in a cluster the queue is the store's: always 0). */
    public int queuedRuns() {
        return core.queuedRuns();
    }

    @Override
    public void close() {
        core.close();
    }

    /** Builds a {@link LocalEngine}; every setter has a default except the three required parts. */
    public static final class Builder {
        private final RunStore store;
        private final WorkflowResolver resolver;
        private final StepRegistry registry;
        private EngineClock clock;
        private RandomGenerator random;
        private EngineConfig config = EngineConfig.DEFAULT;
        private InputValidator inputValidator;
        private EngineObserver observer = EngineObserver.NONE;
        private LoadShedding loadShedding = LoadShedding.DEFAULT;
        private ClusterSettings cluster;
        private RunLeases leases;
        private ClusterSignals signals = ClusterSignals.NONE;
        private SecretSource secrets = SecretSource.NONE;

        private Builder(RunStore store, WorkflowResolver resolver, StepRegistry registry) {
            this.store = Objects.requireNonNull(store, "store");
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Time and timers; default a {@link SystemEngineClock} owned (and closed) by the engine. */
        public Builder clock(EngineClock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Jitter source; default a {@link SplittableRandom} seeded from the system. */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /** Limits; default {@link EngineConfig#DEFAULT}. */
        public Builder config(EngineConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /**
         * Checks run inputs (also of child runs) against the workflow's input schema and applies its defaults
         * before a run is stored. Default: a new {@link InputValidator}; pass one to share its schema cache.
         */
        public Builder inputValidator(InputValidator value) {
            this.inputValidator = Objects.requireNonNull(value, "inputValidator");
            return this;
        }

        /** Metrics, traces and alerts watching runs and attempts; default {@link EngineObserver#NONE}. */
        public Builder observer(EngineObserver value) {
            this.observer = Objects.requireNonNull(value, "observer");
            return this;
        }

        /**
         * Where the values of {@code {{ secrets.NAME }}} come from, asked right before each handler attempt that
         * references secrets (as the run's tenant); default {@link SecretSource#NONE} (every reference fails its
         * step). The values are scrubbed from the attempt's output and error before they are journaled.
         */
        public Builder secrets(SecretSource value) {
            this.secrets = Objects.requireNonNull(value, "secrets");
            return this;
        }

        /** Backpressure on {@code start} by priority; default {@link LoadShedding#DEFAULT}. */
        public Builder loadShedding(LoadShedding value) {
            this.loadShedding = Objects.requireNonNull(value, "loadShedding");
            return this;
        }

        /**
         * Makes this engine one node of a cluster sharing the store: runs are claimed with leases, renewed by
         * heartbeats, taken over from nodes that stop heartbeating, and journal writes are fenced by the lease.
         * Without this call the engine is a single node that owns every run in the store.
         *
         * <p>The node joins at {@link #build()}: it subscribes to {@code signals}, starts its claim loop and schedules
         * its heartbeats and polls on the engine clock. The engine does not close {@code signals} (the caller does,
         * after {@link LocalEngine#close()}).
         *
         * @param leases  the store's leases (the same store as the builder's)
         * @param signals wake-ups from the other nodes; {@link ClusterSignals#NONE} to rely on polling only
         */
        public Builder cluster(ClusterSettings settings, RunLeases leases, ClusterSignals signals) {
            this.cluster = Objects.requireNonNull(settings, "settings");
            this.leases = Objects.requireNonNull(leases, "leases");
            this.signals = Objects.requireNonNull(signals, "signals");
            return this;
        }

        /** Builds the engine; call {@link LocalEngine#resumeUnfinished()} next. */
        public LocalEngine build() {
            SystemEngineClock owned = clock == null ? new SystemEngineClock() : null;
            return new LocalEngine(new EngineCore(store, resolver, registry,
                    inputValidator == null ? new InputValidator() : inputValidator,
                    owned != null ? owned : clock, random == null ? new SplittableRandom() : random, config,
                    owned != null ? owned::close : () -> { }, observer, loadShedding, cluster, leases, signals,
                    secrets));
        }
    }
}
