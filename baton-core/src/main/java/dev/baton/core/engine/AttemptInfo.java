package dev.baton.core.engine;

import dev.baton.core.run.Run;

import java.time.Instant;
import java.util.Objects;

/**
 * The attempt an {@link EngineObserver} is told about.
 *
 * @param run       the run, as the engine holds it (status {@code RUNNING})
 * @param stepId    the step's id; an item of a {@code map} step is {@code <stepId>[<index>]}
 * @param stepType  the step's type ({@code uses:}), e.g. {@code llm.chat}, {@code http}, {@code transform}
 * @param attempt   1-based attempt number (above 1: a retry)
 * @param startedAt when it started, by the engine's clock
 */
public record AttemptInfo(Run run, String stepId, String stepType, int attempt, Instant startedAt) {
    public AttemptInfo {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(stepType, "stepType");
        Objects.requireNonNull(startedAt, "startedAt");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
    }
}
