package dev.baton.core.engine;

import dev.baton.core.run.Run;
import dev.baton.core.run.StepAttempt;

import java.util.List;
import java.util.Objects;

/**
 * A run with every attempt of every step, as the API returns it.
 *
 * @param run      the run record
 * @param attempts its attempts, ordered by start time
 */
public record RunView(Run run, List<StepAttempt> attempts) {
    public RunView {
        Objects.requireNonNull(run, "run");
        attempts = List.copyOf(attempts);
    }
}
