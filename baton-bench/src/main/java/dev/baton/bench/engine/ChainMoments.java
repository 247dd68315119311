package dev.baton.bench.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Moments observed in the runs of the chain {@code a → b → c}, per run and per step, for dispatch latency:
 * when each step's {@code AttemptFinished} became durable (the store's {@code append} returned; see
 * {@link DurableMoments}), the engine's own {@code at} instant of each {@code AttemptStarted}, and when a handler
 * step was entered and left ({@link TimedNoopStep}). Nanosecond values are {@link System#nanoTime()}; wall values
 * are epoch microseconds (the engine clock's {@code Instant}s have microsecond resolution on Linux).
 *
 * <p>Recording is switched on after the warm-up; thread-safe.
 */
final class ChainMoments {
    static final String[] STEPS = {"a", "b", "c"};

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private volatile boolean recording;

    /** Per-run moments; -1 where not observed. */
    static final class Run {
        final AtomicLongArray finishedDurableNanos = filled();
        final AtomicLongArray finishedDurableWallMicros = filled();
        final AtomicLongArray startedAtWallMicros = filled();
        final AtomicLongArray handlerEntryNanos = filled();
        final AtomicLongArray handlerExitNanos = filled();

        private static AtomicLongArray filled() {
            AtomicLongArray array = new AtomicLongArray(STEPS.length);
            for (int i = 0; i < STEPS.length; i++) {
                array.set(i, -1);
            }
            return array;
        }
    }

    /** The index of a chain step, or -1 for another step id. */
    static int index(String stepId) {
        for (int i = 0; i < STEPS.length; i++) {
            if (STEPS[i].equals(stepId)) {
                return i;
            }
        }
        return -1;
    }

    void record(boolean on) {
        recording = on;
    }

    /** The moments of a run, created on first use; {@code null} while not recording. */
    Run of(String runId) {
        return recording ? runs.computeIfAbsent(runId, id -> new Run()) : null;
    }

    Map<String, Run> runs() {
        return runs;
    }

    void clear() {
        runs.clear();
    }
}
