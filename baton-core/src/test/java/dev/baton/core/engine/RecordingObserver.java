package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.StepError;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An {@link EngineObserver} that writes down every call as a line ({@code queued wf}, {@code started wf},
 * {@code finished wf SUCCEEDED}, {@code attempt a#1 echo}, {@code enter a#1}, {@code exit a#1},
 * {@code end a#1 FAILED step-failed}) and keeps the values handed to it, for engine tests.
 */
final class RecordingObserver implements EngineObserver {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<Run> queued = new CopyOnWriteArrayList<>();
    final List<Run> started = new CopyOnWriteArrayList<>();
    final List<Duration> queueWaits = new CopyOnWriteArrayList<>();
    final List<Run> finished = new CopyOnWriteArrayList<>();
    final List<AttemptInfo> attempts = new CopyOnWriteArrayList<>();
    /** Per {@code step#attempt}: the threads of enter() and of the scope's close(). */
    final Map<String, Thread> enteredOn = new ConcurrentHashMap<>();
    final Map<String, Thread> exitedOn = new ConcurrentHashMap<>();
    /** Per {@code step#attempt}: when it finished, by the engine clock. */
    final Map<String, Instant> finishedAt = new ConcurrentHashMap<>();
    /** Which traceparent an attempt's observation offers child runs (default: none). */
    volatile Function<AttemptInfo, String> traceParents = attempt -> null;
    /** Only lines of runs of these workflows are written when set (child runs have their own workflows). */
    private final String onlyWorkflow;

    RecordingObserver() {
        this(null);
    }

    RecordingObserver(String onlyWorkflow) {
        this.onlyWorkflow = onlyWorkflow;
    }

    @Override
    public void runQueued(Run run) {
        queued.add(run);
        line(run, "queued " + run.workflowId());
    }

    @Override
    public void runStarted(Run run, Duration queueWait) {
        started.add(run);
        queueWaits.add(queueWait);
        line(run, "started " + run.workflowId());
    }

    @Override
    public void runFinished(Run run) {
        finished.add(run);
        line(run, "finished " + run.workflowId() + " " + run.status());
    }

    @Override
    public AttemptObservation attemptStarted(AttemptInfo attempt) {
        attempts.add(attempt);
        String key = attempt.stepId() + "#" + attempt.attempt();
        line(attempt.run(), "attempt " + key + " " + attempt.stepType());
        Run run = attempt.run();
        return new AttemptObservation() {
            @Override
            public Scope enter() {
                enteredOn.put(key, Thread.currentThread());
                line(run, "enter " + key);
                return () -> {
                    exitedOn.put(key, Thread.currentThread());
                    line(run, "exit " + key);
                };
            }

            @Override
            public String traceParent() {
                return traceParents.apply(attempt);
            }

            @Override
            public void finished(AttemptStatus status, StepError error, Instant at) {
                finishedAt.put(key, at);
                line(run, "end " + key + " " + status + (error == null ? "" : " " + error.code()));
            }
        };
    }

    /** The lines starting with {@code prefix}. */
    List<String> lines(String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).toList();
    }

    private void line(Run run, String line) {
        if (onlyWorkflow == null || onlyWorkflow.equals(run.workflowId())) {
            lines.add(line);
        }
    }
}
