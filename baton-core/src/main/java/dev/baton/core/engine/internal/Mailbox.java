package dev.baton.core.engine.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A run's serial executor: tasks posted from any thread run one at a time, in order, on a shared executor. This
 * is what makes a run's coordinator single-owner without a thread per run (10,000 waiting runs cost 10,000 small
 * queues, not threads). Tasks must not block for long.
 */
final class Mailbox implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Executor executor;

    Mailbox(Executor executor) {
        this.executor = executor;
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
        do {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("run task failed", e);
            }
        } while (pending.decrementAndGet() > 0);
    }
}
