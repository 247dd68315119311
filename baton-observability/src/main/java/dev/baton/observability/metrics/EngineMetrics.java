package dev.baton.observability.metrics;

import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * The engine's metrics, fed through the {@link EngineObserver} SPI:
 * <ul>
 *   <li>{@code baton_runs_started_total{workflow}}: runs that left the queue and began executing;</li>
 *   <li>{@code baton_runs_finished_total{workflow,status}} and {@code baton_run_duration_seconds{workflow,status}}
 *       (histogram): runs that reached a terminal status, and their time from start (from acceptance for runs
 *       cancelled while queued) to finish by the engine's clock;</li>
 *   <li>{@code baton_run_queue_wait_seconds} (histogram): time from acceptance to admission of top-level runs
 *       (child runs are not queued and are left out);</li>
 *   <li>{@code baton_step_attempts_total{step_type,outcome}} and
 *       {@code baton_step_attempt_duration_seconds{step_type,outcome}} (histogram; skipped steps are counted but
 *       not timed), {@code baton_step_retries_total{step_type}} (attempts numbered 2 and above, counted when
 *       they finish other than {@code interrupted}: see below), {@code baton_step_timeouts_total{step_type}};</li>
 *   <li>gauges once {@link #bind(LocalEngine) bound}: {@code baton_runs_in_flight}, {@code baton_runs_queued},
 *       {@code baton_step_attempts_waiting}.</li>
 * </ul>
 * Status and outcome values are the wire names ({@code succeeded}, {@code failed}, {@code timed_out},
 * {@code cancelled}, {@code skipped}), plus the attempt outcome {@code interrupted}: an attempt that finished
 * {@code FAILED} with error code {@code interrupted} was cut short by the engine closing (or a restart), not failed
 * by its step, and is counted and timed under {@code interrupted} so that restarts do not show as failures.
 * Because an attempt still open when the engine closes is told {@code interrupted} and then observed again with the
 * same number when the run resumes, a retry is counted when an attempt numbered 2 or above <em>finishes</em> with
 * any outcome but {@code interrupted}: a retry cut short by a restart and finished after it counts once, and an
 * attempt re-observed after a restart is never a retry of itself. (A step whose interrupted attempt cannot be
 * re-attached after a restart runs a new, higher-numbered attempt; that one counts as a retry.) The {@code workflow} label takes the first {@code maxWorkflowLabels} workflow
 * ids seen and {@code other} for the rest; {@code step_type} is capped at {@value #MAX_STEP_TYPES} values the same
 * way.
 *
 * <p>Meters are created on first use of a label combination and cached; a hook does one or two map lookups and
 * atomic adds, no allocation of tags. Thread-safe.
 */
public final class EngineMetrics implements EngineObserver {
    /** Most distinct {@code step_type} values (step types come from the node's registry: a handful). */
    static final int MAX_STEP_TYPES = 100;

    private static final RunStatus[] RUN_STATUSES = RunStatus.values();
    private static final AttemptStatus[] ATTEMPT_STATUSES = AttemptStatus.values();
    /** The {@code outcome} label of an attempt cut short by the engine closing or a restart. */
    static final String INTERRUPTED = "interrupted";
    /** Index of {@link #INTERRUPTED} in the per-outcome meter arrays, after the attempt statuses. */
    private static final int INTERRUPTED_SLOT = ATTEMPT_STATUSES.length;

    private final MeterRegistry registry;
    private final CappedLabels<WorkflowMeters> workflows;
    private final CappedLabels<StepTypeMeters> stepTypes;
    private final Timer queueWait;
    private volatile IntSupplier inFlight = () -> 0;
    private volatile IntSupplier queued = () -> 0;
    private volatile IntSupplier waiting = () -> 0;

    /**
     * Registers the run-level meters (queue wait, gauges at 0 until {@link #bind}) in {@code registry}.
     *
     * @param maxWorkflowLabels distinct {@code workflow} label values before {@code other}, ≥ 1
     */
    public EngineMetrics(MeterRegistry registry, int maxWorkflowLabels) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.workflows = new CappedLabels<>(maxWorkflowLabels, WorkflowMeters::new);
        this.stepTypes = new CappedLabels<>(MAX_STEP_TYPES, StepTypeMeters::new);
        this.queueWait = Timer.builder("baton.run.queue.wait")
                .description("Time runs waited in the queue for admission (top-level runs)")
                .serviceLevelObjectives(Buckets.QUEUE_WAIT)
                .register(registry);
        Gauge.builder("baton.runs.in.flight", this, m -> m.inFlight.getAsInt())
                .description("Runs admitted and not finished on this node").register(registry);
        Gauge.builder("baton.runs.queued", this, m -> m.queued.getAsInt())
                .description("Runs waiting for admission on this node").register(registry);
        Gauge.builder("baton.step.attempts.waiting", this, m -> m.waiting.getAsInt())
                .description("Step attempts waiting for a concurrency permit (saturation)").register(registry);
    }

    /** Lets the gauges read {@code engine}'s active runs, queue and attempts waiting for permits. */
    public void bind(LocalEngine engine) {
        Objects.requireNonNull(engine, "engine");
        bind(engine::activeRuns, engine::queuedRuns, engine::attemptsWaitingForPermits);
    }

    /** The gauges' sources (tests bind fakes). */
    void bind(IntSupplier inFlight, IntSupplier queued, IntSupplier waiting) {
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.queued = Objects.requireNonNull(queued, "queued");
        this.waiting = Objects.requireNonNull(waiting, "waiting");
    }

    @Override
    public void runStarted(Run run, Duration queueWait) {
        workflows.get(run.workflowId()).started.increment();
        if (run.parentRunId() == null && queueWait != null) {
            this.queueWait.record(nonNegative(queueWait));
        }
    }

    @Override
    public void runFinished(Run run) {
        if (!run.status().isTerminal()) {
            return;
        }
        Finished finished = workflows.get(run.workflowId()).finished(run.status());
        finished.count.increment();
        Instant from = run.startedAt() != null ? run.startedAt() : run.createdAt();
        if (run.finishedAt() != null) {
            finished.duration.record(nonNegative(Duration.between(from, run.finishedAt())));
        }
    }

    @Override
    public AttemptObservation attemptStarted(AttemptInfo attempt) {
        return new Observed(stepTypes.get(attempt.stepType()), attempt.attempt(), attempt.startedAt());
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /** One attempt being watched: times it when it finishes. */
    private record Observed(StepTypeMeters meters, int attempt, Instant startedAt) implements AttemptObservation {
        @Override
        public void finished(AttemptStatus status, StepError error, Instant finishedAt) {
            boolean interrupted = status == AttemptStatus.FAILED && error != null
                    && ErrorCode.INTERRUPTED.code().equals(error.code());
            if (attempt > 1 && !interrupted) {
                meters.retries.increment();
            }
            meters.finished(status, interrupted, startedAt, finishedAt);
        }
    }

    /** Counter and histogram of one workflow label and one terminal status. */
    private record Finished(Counter count, Timer duration) {
    }

    /** The meters of one {@code workflow} label value; per-status meters are created on first use. */
    private final class WorkflowMeters {
        private final String workflow;
        private final Counter started;
        private final AtomicReferenceArray<Finished> finished = new AtomicReferenceArray<>(RUN_STATUSES.length);

        WorkflowMeters(String workflow) {
            this.workflow = workflow;
            this.started = Counter.builder("baton.runs.started").tag("workflow", workflow)
                    .description("Runs that left the queue and began executing").register(registry);
        }

        Finished finished(RunStatus status) {
            Finished meters = finished.get(status.ordinal());
            if (meters == null) {
                // a race registers the same meters twice: the registry returns the existing ones
                meters = new Finished(
                        Counter.builder("baton.runs.finished").tags("workflow", workflow, "status", status.wireName())
                                .description("Runs that reached a terminal status").register(registry),
                        Timer.builder("baton.run.duration").tags("workflow", workflow, "status", status.wireName())
                                .description("Run duration from start (or acceptance, if never started) to finish")
                                .serviceLevelObjectives(Buckets.RUN)
                                .register(registry));
                finished.compareAndSet(status.ordinal(), null, meters);
            }
            return meters;
        }
    }

    /** The meters of one {@code step_type} label value; per-outcome meters are created on first use. */
    private final class StepTypeMeters {
        private final String stepType;
        private final Counter retries;
        private final AtomicReferenceArray<Counter> attempts = new AtomicReferenceArray<>(INTERRUPTED_SLOT + 1);
        private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(INTERRUPTED_SLOT + 1);
        private final Counter timeouts;

        StepTypeMeters(String stepType) {
            this.stepType = stepType;
            this.retries = Counter.builder("baton.step.retries").tag("step_type", stepType)
                    .description("Step attempts after the first (retries), counted when they finish other than"
                            + " interrupted").register(registry);
            this.timeouts = Counter.builder("baton.step.timeouts").tag("step_type", stepType)
                    .description("Step attempts that hit their timeout").register(registry);
        }

        void finished(AttemptStatus status, boolean interrupted, Instant startedAt, Instant finishedAt) {
            int i = interrupted ? INTERRUPTED_SLOT : status.ordinal();
            String outcome = interrupted ? INTERRUPTED : status.wireName();
            Counter count = attempts.get(i);
            if (count == null) {
                count = Counter.builder("baton.step.attempts").tags("step_type", stepType, "outcome", outcome).description("Step attempts by outcome").register(registry);
                attempts.compareAndSet(i, null, count);
            }
            count.increment();
            if (status == AttemptStatus.TIMED_OUT) {
                timeouts.increment();
            }
            if (status == AttemptStatus.SKIPPED || finishedAt == null) {
                return; // a skipped step did not execute: its zero duration would only blur the histogram
            }
            Timer duration = durations.get(i);
            if (duration == null) {
                duration = Timer.builder("baton.step.attempt.duration").tags("step_type", stepType, "outcome",
                                outcome)
                        .description("Step attempt duration by outcome")
                        .serviceLevelObjectives(Buckets.ATTEMPT)
                        .register(registry);
                durations.compareAndSet(i, null, duration);
            }
            duration.record(nonNegative(Duration.between(startedAt, finishedAt)));
        }
    }
}
