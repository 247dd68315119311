package dev.baton.core.engine.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A run's serial executor: tasks posted from any thread run one at a time, in order, on a shared executor. This
 * is what makes a run's coordinator single-owner without a thread per run (10,000 waiting runs cost 10,000 small
 * queues, not threads). Tasks must not block for long.
 *
 * <p>A task that throws is logged and handed to the mailbox's failure handler (a run coordinator fails its run),
 * and the next tasks still run: an exception never silently stops a mailbox.
 *
 * <p>A run's mailbox puts the run's {@code runId} and {@code workflowId} in the log context ({@link LogContext})
 * while its tasks run, so that what the engine logs about the run carries them.
 */
final class Mailbox implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Executor executor;
    private final Consumer<Throwable> onFailure;
    private final String runId;
    private final String workflowId;

    /** A mailbox whose failed tasks are only logged. */
    Mailbox(Executor executor) {
        this(executor, failure -> { }, null, null);
    }

    /** A mailbox of no run in particular; {@code onFailure} as below. */
    Mailbox(Executor executor, Consumer<Throwable> onFailure) {
        this(executor, onFailure, null, null);
    }

    /**
     * @param onFailure  told (on the mailbox, after logging) about every task that threw; must not throw itself
     * @param runId      the run whose tasks this mailbox runs (for the log context), or {@code null}
     * @param workflowId the run's workflow, or {@code null}
     */
    Mailbox(Executor executor, Consumer<Throwable> onFailure, String runId, String workflowId) {
        this.executor = executor;
        this.onFailure = onFailure;
        this.runId = runId;
        this.workflowId = workflowId;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException closed) {
                LOG.debug("engine closed; dropping a run task");
            }
        }
    }

    private void drain() {
        if (runId == null) {
            runAll();
            return;
        }
        LogContext.putRun(runId, workflowId);
        try {
            runAll();
        } finally {
            LogContext.removeRun();
        }
    }

    private void runAll() {
        do {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("run task failed", e);
                try {
                    onFailure.accept(e);
                } catch (RuntimeException | Error handlerFailure) {
                    LOG.error("the failure handler of a run task failed", handlerFailure);
                }
            }
        } while (pending.decrementAndGet() > 0);
    }
}
