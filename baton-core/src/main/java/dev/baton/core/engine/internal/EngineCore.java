package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.Engine;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.RetryPolicy;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
 * <p>Ownership: this node owns every run it has in {@link #active} (one {@link RunCoordinator} each) and nothing
 * else. A run becomes owned when it is admitted (or resumed) and stops being owned when {@code RunFinished} is
 * durable. Multi-node operation will put a lease in front of {@link #activate}.
 */
public final class EngineCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCore.class);
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
    private final EventHub events;
    private final Admission admission;
    private final PriorityPermits globalPermits;
    private final Map<String, PriorityPermits> typePermits = new ConcurrentHashMap<>();
    private final Map<String, RunCoordinator> active = new ConcurrentHashMap<>();
    private final Completions completions;
    private final Runnable onClose;
    private volatile boolean closed;

    /**
     * @param inputValidator checks run inputs against the workflow's input schema and applies its defaults
     * @param random         jitter source; used under a lock, so any {@link RandomGenerator} will do
     * @param onClose        run last by {@link #close()} (e.g. to stop a clock the engine owns)
     */
    public EngineCore(RunStore store, WorkflowResolver resolver, StepRegistry registry,
                      InputValidator inputValidator, EngineClock clock, RandomGenerator random,
                      EngineConfig config, Runnable onClose) {
        this.store = store;
        this.resolver = resolver;
        this.registry = registry;
        this.inputValidator = inputValidator;
        this.clock = clock;
        this.random = random;
        this.config = config;
        this.onClose = onClose;
        this.completions = new Completions(store, this::owns);
        this.events = new EventHub(store, executor);
        this.journal = new Journal(store, config.journalBatchSize(), events::onDurable);
        this.admission = new Admission(config.maxRunningRuns(), config.maxQueuedRuns());
        this.globalPermits = new PriorityPermits(config.maxConcurrentAttempts());
    }

    // --- Engine operations ------------------------------------------------------------------------------------

    /** See {@link Engine#start}. */
    public Run start(StartRequest request) {
        ensureOpen();
        if (request.idempotencyKey() != null) {
            Optional<Run> existing = store.findByIdempotencyKey(request.tenantId(), request.idempotencyKey());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        Workflow workflow = resolver.resolve(request.tenantId(), request.workflowId(), request.workflowVersion());
        JsonNode inputs = inputValidator.validate(workflow, request.inputs());
        admission.checkCapacity();
        Run fresh = newRun(request.tenantId(), workflow, inputs, request.priority(), request.idempotencyKey(), null,
                null);
        Run created = durable(journal.create(fresh));
        // Only the request that created the run admits it (a concurrent start with the same key gets it back).
        if (created.id().equals(fresh.id()) && admission.offer(created)) {
            activate(created);
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

    /** Starts (or, by its idempotency key, finds) the child run of a {@code workflow} step or map item. */
    Run startChild(RunCoordinator parent, String stepId, String workflowId, int version, JsonNode inputs) {
        ensureOpen();
        String key = parent.runId() + "/" + stepId;
        Optional<Run> existing = store.findByIdempotencyKey(parent.tenantId(), key);
        if (existing.isPresent()) {
            if (existing.get().status() == RunStatus.QUEUED) {
                activateOnce(existing.get());
            }
            return existing.get();
        }
        checkNesting(parent);
        Workflow workflow = resolver.resolve(parent.tenantId(), workflowId, version);
        JsonNode childInputs = inputValidator.validate(workflow,
                inputs == null ? JsonNodeFactory.instance.objectNode() : inputs);
        Run created = store.create(newRun(parent.tenantId(), workflow, childInputs, parent.priority(), key,
                parent.runId(), stepId));
        if (created.status() == RunStatus.QUEUED) {
            activateOnce(created);
        }
        return created;
    }

    /** Refuses child runs nested deeper than {@link #MAX_NESTING} (a workflow that calls itself, directly or not). */
    private void checkNesting(RunCoordinator parent) {
        int depth = 1;
        String ancestor = parent.run().parentRunId();
        while (ancestor != null) {
            if (++depth >= MAX_NESTING) {
                throw new BatonException(ErrorCode.INVALID_ARGUMENT, "child runs are nested " + MAX_NESTING
                        + " deep under run " + parent.runId() + "; does workflow '" + parent.workflow().id()
                        + "' call itself?");
            }
            ancestor = store.find(parent.tenantId(), ancestor).map(Run::parentRunId).orElse(null);
        }
    }

    private Run newRun(String tenantId, Workflow workflow, JsonNode inputs, int priority, String key,
                       String parentRunId, String parentStepId) {
        return new Run(UUID.randomUUID().toString(), tenantId, workflow.id(), workflow.version(), RunStatus.QUEUED,
                priority, inputs, null, null, key, parentRunId, parentStepId, clock.instant(), null, null);
    }

    /** See {@link Engine#get}. */
    public Optional<RunView> get(String tenantId, String runId) {
        return store.find(tenantId, runId).map(run -> new RunView(run, store.attempts(run.id())));
    }

    /** Whether this node owns the (unfinished) run right now. */
    private boolean owns(String tenantId, String runId) {
        RunCoordinator owner = active.get(runId);
        return owner != null && owner.tenantId().equals(tenantId);
    }

    /** See {@link Engine#completion}. */
    public CompletableFuture<RunView> completion(String tenantId, String runId) {
        return completions.await(tenantId, runId);
    }

    /** See {@link Engine#cancel}. */
    public Run cancel(String tenantId, String runId, String reason) {
        Run run = store.find(tenantId, runId).orElseThrow(() -> BatonException.notFound("run", runId));
        if (run.status().isTerminal()) {
            return run;
        }
        ensureOpen();
        if (run.status() == RunStatus.QUEUED && admission.remove(runId)) {
            StepError error = StepError.of(ErrorCode.CANCELLED, reason == null || reason.isBlank()
                    ? "cancelled before it started" : "cancelled before it started: " + reason);
            Instant at = clock.instant();
            journal.append(List.of(new JournalEntry.CancelRequested(runId, reason, at),
                    new JournalEntry.RunFinished(runId, RunStatus.CANCELLED, null, error, at))).join();
            Run finished = finishedWithoutStart(run, RunStatus.CANCELLED, error, at);
            completions.runFinished(new RunView(finished, List.of()));
            return finished;
        }
        journal.append(new JournalEntry.CancelRequested(runId, reason, clock.instant())).join();
        // The owner acts on it now; a run owned by no one (yet) sees the request when it is resumed.
        RunCoordinator owner = active.get(runId);
        if (owner != null) {
            owner.cancel(reason);
        }
        return store.find(tenantId, runId).orElse(run);
    }

    /** Cancels a child run whose parent step was stopped (asynchronously; never throws). */
    void cancelChild(Run child, String reason) {
        executor.execute(() -> {
            try {
                cancel(child.tenantId(), child.id(), reason);
            } catch (BatonException e) {
                LOG.debug("could not cancel child run {}: {}", child.id(), e.getMessage());
            }
        });
    }

    /** See {@link Engine#subscribe}. */
    public Engine.Subscription subscribe(String tenantId, String runId, long afterSequence,
                                         Consumer<RunEvent> listener) {
        store.find(tenantId, runId).orElseThrow(() -> BatonException.notFound("run", runId));
        return events.subscribe(runId, afterSequence, listener);
    }

    /**
     * Takes ownership of every unfinished run in the store: running ones first (they already hold admission slots,
     * even beyond the limit), then queued ones through admission by priority.
     */
    public int resumeUnfinished() {
        ensureOpen();
        List<Run> unfinished = store.unfinished().stream().filter(run -> !active.containsKey(run.id())).toList();
        for (Run run : unfinished) {
            if (run.status() != RunStatus.RUNNING) {
                continue;
            }
            if (run.parentRunId() == null) {
                admission.forceAdmit();
            }
            Workflow workflow = resolveOrFail(run);
            if (workflow != null) {
                RunCoordinator coordinator = new RunCoordinator(this, run, workflow);
                active.put(run.id(), coordinator);
                coordinator.resume(store.attempts(run.id()), cancelRequest(run.id()).orElse(null));
            }
        }
        for (Run run : unfinished) {
            if (run.status() != RunStatus.QUEUED) {
                continue;
            }
            if (run.parentRunId() != null) {
                activateOnce(run);
            } else if (admission.offer(run)) {
                activate(run);
            }
        }
        return unfinished.size();
    }

    /** The reason of a cancellation requested before a restart, if any (read from the run's events). */
    private Optional<String> cancelRequest(String runId) {
        long after = 0;
        while (true) {
            List<RunEvent> page = store.events(runId, after, 1000);
            for (RunEvent event : page) {
                if (event.entry() instanceof JournalEntry.CancelRequested requested) {
                    return Optional.of(requested.reason() == null ? "" : requested.reason());
                }
                after = event.sequence();
            }
            if (page.size() < 1000) {
                return Optional.empty();
            }
        }
    }

    // --- ownership --------------------------------------------------------------------------------------------

    private void activate(Run run) {
        Workflow workflow = resolveOrFail(run);
        if (workflow == null) {
            return;
        }
        RunCoordinator coordinator = new RunCoordinator(this, run, workflow);
        if (active.putIfAbsent(run.id(), coordinator) == null) {
            coordinator.start();
        }
    }

    private void activateOnce(Run child) {
        if (!active.containsKey(child.id())) {
            activate(child);
        }
    }

    private Workflow resolveOrFail(Run run) {
        try {
            return resolver.resolve(run.tenantId(), run.workflowId(), run.workflowVersion());
        } catch (RuntimeException e) {
            String code = e instanceof BatonException b ? b.code().code() : ErrorCode.INTERNAL.code();
            StepError error = new StepError(code, "workflow '" + run.workflowId() + "' version "
                    + run.workflowVersion() + " cannot be loaded: " + e.getMessage(), false);
            Instant at = clock.instant();
            Run finished = new Run(run.id(), run.tenantId(), run.workflowId(), run.workflowVersion(),
                    RunStatus.FAILED, run.priority(), run.inputs(), null, error, run.idempotencyKey(),
                    run.parentRunId(), run.parentStepId(), run.createdAt(),
                    run.startedAt() != null ? run.startedAt() : at, at);
            journal.append(List.of(new JournalEntry.RunStarted(run.id(), at),
                            new JournalEntry.RunFinished(run.id(), RunStatus.FAILED, null, error, at)))
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            afterFinish(new RunView(finished, List.of()));
                        } else {
                            afterFinishFailed(run, failure);
                        }
                    });
            return null;
        }
    }

    /** A run finished before it was started (cancelled while queued), as the store holds it. */
    private static Run finishedWithoutStart(Run run, RunStatus status, StepError error, Instant at) {
        return new Run(run.id(), run.tenantId(), run.workflowId(), run.workflowVersion(), status, run.priority(),
                run.inputs(), null, error, run.idempotencyKey(), run.parentRunId(), run.parentStepId(),
                run.createdAt(), run.startedAt(), at);
    }

    /**
     * Called (on the journal writer thread) once a run's {@code RunFinished} is durable, with the run's final view
     * as the coordinator journaled it.
     */
    void onRunFinished(RunCoordinator coordinator, RunView view) {
        active.remove(coordinator.runId());
        afterFinish(view);
    }

    /**
     * The store refused a run's {@code RunFinished} (a non-retriable failure, the journal retries the others): the
     * run stays unfinished in the store (a restart resumes it), but this node lets go of it and its waiters fail
     * with the store's error rather than hang.
     */
    void onRunFinishFailed(RunCoordinator coordinator, Throwable failure) {
        active.remove(coordinator.runId());
        if (closed) {
            return; // the next process resumes the run; close() leaves waiters of unfinished runs incomplete
        }
        afterFinishFailed(coordinator.run(), failure);
    }

    private void afterFinishFailed(Run run, Throwable failure) {
        LOG.error("run {} could not be finished in the store", run.id(), failure);
        completions.runFailed(run.id(), failure);
        releaseAdmission(run);
    }

    /** Completes the waiters (no store access, never throws), then admits the next queued run. */
    private void afterFinish(RunView view) {
        completions.runFinished(view);
        releaseAdmission(view.run());
    }

    private void releaseAdmission(Run run) {
        if (run.parentRunId() != null || closed) {
            return;
        }
        Optional<Run> next = admission.release();
        if (next.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> activateSafely(next.get()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("engine closed; run {} stays queued for the next start", next.get().id());
        }
    }

    /** Activates an admitted run; an unexpected failure fails that run instead of losing it. */
    private void activateSafely(Run run) {
        try {
            activate(run);
        } catch (RuntimeException | Error e) {
            LOG.error("run {} could not be activated", run.id(), e);
            active.remove(run.id());
            StepError error = new StepError(ErrorCode.INTERNAL.code(), "run " + run.id() + " could not be started: "
                    + e, false);
            Instant at = clock.instant();
            journal.append(new JournalEntry.RunFinished(run.id(), RunStatus.FAILED, null, error, at))
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            afterFinish(new RunView(finishedWithoutStart(run, RunStatus.FAILED, error, at),
                                    List.of()));
                        } else {
                            afterFinishFailed(run, failure);
                        }
                    });
        }
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

    /** Runs owned by this node right now. */
    public int activeRuns() {
        return active.size();
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
     * retries them. Waiters of unfinished runs are left incomplete.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        journal.close();
        executor.shutdownNow();
        onClose.run();
    }
}
