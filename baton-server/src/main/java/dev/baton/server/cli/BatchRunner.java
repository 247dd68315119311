package dev.baton.server.cli;

import dev.baton.core.engine.Engine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.StepError;
import dev.baton.core.workflow.Workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Runs one workflow version once per input, at most {@code concurrency} runs in flight: that many virtual
 * threads each take the next input, start its run and wait for it to finish. A run the engine refuses (inputs
 * that violate the schema, a full queue) becomes a {@code rejected} row; the batch goes on.
 *
 * <p>Not reusable across batches concurrently; create one per batch.
 */
final class BatchRunner {
    private final Engine engine;
    private final String tenantId;
    private final Workflow workflow;
    private final int concurrency;
    private final LongSupplier nanoTime;

    BatchRunner(Engine engine, String tenantId, Workflow workflow, int concurrency, LongSupplier nanoTime) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }
        this.engine = Objects.requireNonNull(engine, "engine");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.workflow = Objects.requireNonNull(workflow, "workflow");
        this.concurrency = concurrency;
        this.nanoTime = nanoTime;
    }

    /**
     * Runs every input and returns one row per input, in input order.
     *
     * @throws InterruptedException when the calling thread is interrupted (in-flight runs are left to the engine)
     */
    List<RunResult> run(List<RunInput> inputs, Progress progress) throws InterruptedException {
        List<RunResult> results = Collections.synchronizedList(new ArrayList<>(inputs.size()));
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(concurrency, Math.max(1, inputs.size()));
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(executor.submit(() -> {
                    for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
                        RunResult result = runOne(inputs.get(i));
                        results.add(result);
                        progress.completed(result.succeeded());
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    throw new BatonException(ErrorCode.INTERNAL, "batch worker failed: " + e.getCause(), e.getCause());
                }
            }
        }
        List<RunResult> ordered = new ArrayList<>(results);
        ordered.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return ordered;
    }

    /** Runs one input to its end. Never throws for a failing run; interruption is passed on. */
    RunResult runOne(RunInput input) throws InterruptedException {
        long started = nanoTime.getAsLong();
        Run run;
        try {
            run = engine.start(new StartRequest(tenantId, workflow.id(), workflow.version(), input.inputs(), 0, null));
        } catch (BatonException e) {
            return new RunResult(input.index(), input.source(), null, RunResult.REJECTED, null, StepError.of(e),
                    elapsedMs(started));
        }
        try {
            RunView view = engine.completion(tenantId, run.id()).get();
            return toResult(input, view, elapsedMs(started));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            StepError error = cause instanceof BatonException be ? StepError.of(be)
                    : StepError.of(ErrorCode.INTERNAL, String.valueOf(cause));
            return new RunResult(input.index(), input.source(), run.id(), "failed", null, error, elapsedMs(started));
        }
    }

    static RunResult toResult(RunInput input, RunView view, long measuredMs) {
        Run run = view.run();
        long durationMs = run.finishedAt() != null
                ? Math.max(0, Duration.between(run.createdAt(), run.finishedAt()).toMillis())
                : measuredMs;
        return new RunResult(input.index(), input.source(), run.id(), run.status().wireName(), run.outputs(),
                run.error(), durationMs);
    }

    private long elapsedMs(long startedNanos) {
        return Math.max(0, (nanoTime.getAsLong() - startedNanos) / 1_000_000);
    }
}
