package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.engine.Engine;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.engine.LoadShedding;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.secret.SecretSource;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.RetryPolicy;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowResolver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The machinery behind {@link dev.baton.core.engine.LocalEngine}: not API, use {@code LocalEngine}.
 *
 * <p>It takes the engine operations ({@code start}, {@code cancel}, {@code completion}, ...), starts child runs for
 * {@code workflow} and {@code map} steps, and provides the shared services of the run coordinators (journal,
 * permits, backoff, clock, executor). Which runs this node owns, and what happens when one finishes, is
 * {@link RunOwnership}'s. In a cluster ({@code cluster} settings given), {@link ClusterMember} holds the run
 * leases and follows other nodes' runs; {@link Backpressure} refuses starts when the queue is too deep;
 * {@link RunCancellation} cancels runs.
 *
 * <p>Thread-safety: safe for concurrent use; the engine operations may be called from any thread.
 */
public final class EngineCore implements AutoCloseable {
    /** Deepest chain of child runs ({@code workflow} and {@code map} steps) under one top-level run. */
    static final int MAX_NESTING = 16;

    private final RunStore store;
    private final WorkflowResolver resolver;
    private final StepRegistry registry;
    private final InputValidator inputValidator;
    private final EngineClock clock;
    private final RandomGenerator random;
    private final ReentrantLock randomLock = new ReentrantLock();
    private final EngineConfig config;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Journal journal;
    private final RunRequests requests;
    private final EventHub events;
    private final Admission admission;
    private final PriorityPermits globalPermits;
    private final Map<String, PriorityPermits> typePermits = new ConcurrentHashMap<>();
    private final Completions completions;
    private final RunOwnership ownership;
    private final Runnable onClose;
    /** Told about runs and attempts (metrics, traces, alerts); exceptions it throws are logged and ignored. */
    private final GuardedObserver observer;
    /** Attempts observed and not finished yet; {@link #close()} finishes them (only filled when observed). */
    private final Set<ObservedAttempt> observedAttempts = ConcurrentHashMap.newKeySet();
    private final Backpressure backpressure;
    private final ChildRuns children;
    private final RunCancellation cancellation;
    /** This node in its cluster, or {@code null} for a single node. */
    private final ClusterMember member;
    /** Where the values of {@code {{ secrets.NAME }}} come from. */
    private final SecretSource secrets;
    private volatile boolean draining;
    private volatile boolean closed;

    /**
     * @param inputValidator checks run inputs against the workflow's input schema and applies its defaults
     * @param random         jitter source; used under a lock, so any {@link RandomGenerator} will do
     * @param onClose        run last by {@link #close()} (e.g. to stop a clock the engine owns)
     * @param cluster        this node's cluster settings, or {@code null} for a single node (then {@code leases}
     *                       is {@code null} too)
     */
    public EngineCore(RunStore store, WorkflowResolver resolver, StepRegistry registry,
                      InputValidator inputValidator, EngineClock clock, RandomGenerator random,
                      EngineConfig config, Runnable onClose, EngineObserver observer, LoadShedding loadShedding,
                      ClusterSettings cluster, RunLeases leases, ClusterSignals signals) {
        this(store, resolver, registry, inputValidator, clock, random, config, onClose, observer, loadShedding,
                cluster, leases, signals, SecretSource.NONE);
    }

    /**
     * As the constructor above, with where the values of {@code {{ secrets.NAME }}} come from (see
     * {@link AttemptSecrets}).
     */
    public EngineCore(RunStore store, WorkflowResolver resolver, StepRegistry registry,
                      InputValidator inputValidator, EngineClock clock, RandomGenerator random,
                      EngineConfig config, Runnable onClose, EngineObserver observer, LoadShedding loadShedding,
                      ClusterSettings cluster, RunLeases leases, ClusterSignals signals, SecretSource secrets) {
        this.secrets = java.util.Objects.requireNonNull(secrets, "secrets");
        this.store = store;
        this.resolver = resolver;
        this.registry = registry;
        this.inputValidator = inputValidator;
        this.clock = clock;
        this.random = random;
        this.config = config;
        this.onClose = onClose;
        this.observer = new GuardedObserver(observer);
        this.requests = new RunRequests(store, resolver, inputValidator, clock);
        this.completions = new Completions(store, this::owns);
        this.events = new EventHub(store, executor);
        this.journal = new Journal(store, config.journalBatchSize(), this::onDurable,
                cluster == null ? null : cluster.nodeId(), this::onLeaseLost);
        this.admission = new Admission(config.maxRunningRuns(), config.maxQueuedRuns());
        this.globalPermits = new PriorityPermits(config.maxConcurrentAttempts());
        this.ownership = new RunOwnership(this, store, resolver, journal, clock, executor, admission, completions);
        this.backpressure = new Backpressure(loadShedding, config.maxQueuedRuns(), admission,
                cluster == null ? null : leases, clock);
        this.member = cluster == null ? null : new ClusterMember(this, cluster, leases, signals, ownership,
                admission, journal, completions, events, clock, executor);
        this.children = new ChildRuns(this, store, resolver, inputValidator, ownership, member);
        this.cancellation = new RunCancellation(store, journal, clock, admission, ownership, member, this.observer,
                completions, executor, this::ensureOpen);
        if (member != null) {
            member.start();
        }
    }

    private void onDurable(List<JournalEntry> entries) {
        events.onDurable(entries);
        if (member != null) {
            member.onDurable(entries);
        }
    }

    private void onLeaseLost(Set<String> runIds) {
        if (member != null) {
            member.onLeaseLost(runIds);
        }
    }

    // --- Engine operations ------------------------------------------------------------------------------------

    /** See {@link Engine#start}. */
    public Run start(StartRequest request) {
        ensureOpen();
        if (draining) {
            throw new BatonException(ErrorCode.NOT_READY, "the engine is draining (shutting down); start the run "
                    + "on another node");
        }
        Optional<Run> existing = requests.existing(request);
        if (existing.isPresent()) {
            return existing.get();
        }
        Workflow workflow = resolver.resolve(request.tenantId(), request.workflowId(), request.workflowVersion());
        JsonNode inputs = inputValidator.validate(workflow, request.inputs());
        backpressure.check(request.priority());
        Run fresh = requests.newRun(request.tenantId(), workflow, inputs, request.priority(),
                request.idempotencyKey(), null, null, request.traceParent());
        Run created = durable(journal.create(fresh));
        // Only the request that created the run admits it (a concurrent start with the same key gets it back).
        if (!created.id().equals(fresh.id())) {
            return requests.sameRequest(created, request);
        }
        observer.runQueued(created);
        if (member != null) {
            member.startOrQueue(created);
        } else if (admission.offer(created)) {
            ownership.activate(created);
        }
        return created;
    }

    /** Waits for the journal writer to store a run; its failure is rethrown as it was raised. */
    private static Run durable(CompletableFuture<Run> creation) {
        try {
            return creation.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Starts (or, by its idempotency key, finds) the child run of a {@code workflow} step or map item: see
     * {@link ChildRuns#start}.
     */
    Run startChild(RunCoordinator parent, String stepId, String workflowId, int version, JsonNode inputs,
                   String traceParent) {
        ensureOpen();
        return children.start(parent, stepId, workflowId, version, inputs, traceParent);
    }

    /** New runs and the idempotency-key check of starts (for {@link ChildRuns}). */
    RunRequests requests() {
        return requests;
    }

    /** See {@link Engine#get}. */
    public Optional<RunView> get(String tenantId, String runId) {
        return store.find(tenantId, runId).map(run -> new RunView(run, store.attempts(run.id())));
    }

    /**
     * Takes ownership of every unfinished run in the store: running ones first (they already hold admission slots,
     * even beyond the limit), then queued ones through admission by priority.
     */
    public int resumeUnfinished() {
        ensureOpen();
        return member != null ? member.claimNow() : ownership.resumeUnfinished();
    }

    /** Whether this node owns the (unfinished) run right now. */
    private boolean owns(String tenantId, String runId) {
        return ownership.owns(tenantId, runId);
    }

    /** See {@link Engine#completion}. */
    public CompletableFuture<RunView> completion(String tenantId, String runId) {
        return completions.await(tenantId, runId);
    }

    /** See {@link Engine#cancel}. */
    public Run cancel(String tenantId, String runId, String reason) {
        return cancellation.cancel(tenantId, runId, reason);
    }

    /** Cancelling runs: queued ones this node holds, owned ones, other nodes' ones, child runs of stopped steps. */
    RunCancellation cancellation() {
        return cancellation;
    }

    /** See {@link Engine#subscribe}. */
    public Engine.Subscription subscribe(String tenantId, String runId, long afterSequence,
                                         Consumer<RunEvent> listener) {
        store.find(tenantId, runId).orElseThrow(() -> BatonException.notFound("run", runId));
        return events.subscribe(runId, afterSequence, listener);
    }

    /** See {@link RunOwnership#onRunFinished}. */
    void onRunFinished(RunCoordinator coordinator, RunView view) {
        ownership.onRunFinished(coordinator, view);
    }

    /** See {@link RunOwnership#onRunFinishFailed}. */
    void onRunFinishFailed(RunCoordinator coordinator, Throwable failure) {
        ownership.onRunFinishFailed(coordinator, failure);
    }

    // --- services for coordinators -----------------------------------------------------------------------------

    Duration backoff(RetryPolicy policy, int attempt) {
        randomLock.lock();
        try {
            return policy.delayBefore(attempt, random);
        } finally {
            randomLock.unlock();
        }
    }

    PriorityPermits globalPermits() {
        return globalPermits;
    }

    PriorityPermits typePermits(StepHandler handler) {
        return typePermits.computeIfAbsent(handler.type(),
                type -> new PriorityPermits(config.stepTypeLimits().getOrDefault(type, handler.concurrencyLimit())));
    }

    SecretSource secrets() {
        return secrets;
    }

    GuardedObserver observer() {
        return observer;
    }

    /** Attempts with an unfinished observation. */
    Set<ObservedAttempt> observedAttempts() {
        return observedAttempts;
    }

    StepRegistry registry() {
        return registry;
    }

    Journal journal() {
        return journal;
    }

    EngineClock clock() {
        return clock;
    }

    ExecutorService executor() {
        return executor;
    }

    boolean isClosed() {
        return closed;
    }

    /** See {@link dev.baton.core.engine.LocalEngine#drain}. */
    public int drain(Duration timeout) {
        draining = true;
        return new GracefulShutdown(ownership, journal, member).drain(timeout);
    }

    /** This node's cluster id, or {@code null} for a single node. */
    public String nodeId() {
        return member == null ? null : member.nodeId();
    }

    /** Runs owned by this node right now. */
    public int activeRuns() {
        return ownership.size();
    }

    /** Step attempts waiting for a global concurrency permit. */
    public int attemptsWaitingForPermits() {
        return globalPermits.waiting();
    }

    /** Runs waiting for admission. */
    public int queuedRuns() {
        return admission.queued();
    }

    private void ensureOpen() {
        if (closed) {
            throw new BatonException(ErrorCode.NOT_READY, "the engine is closed");
        }
    }

    /**
     * Stops dispatching: the journal stops accepting entries (what is queued is written), then running attempts
     * are interrupted; their outcomes are not journaled, so the next process finds them {@code RUNNING} and
     * retries them. Waiters of unfinished runs are left incomplete. Attempt observations still open are finished
     * {@code FAILED} with {@code interrupted} (what the next process records for them).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (member != null) {
            member.close();
        }
        journal.close();
        executor.shutdownNow();
        Instant at = clock.instant();
        for (ObservedAttempt attempt : List.copyOf(observedAttempts)) {
            attempt.interrupted(at);
        }
        onClose.run();
    }
}
