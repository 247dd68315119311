package dev.baton.steps.http;

import dev.baton.core.step.StepContext;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;

/** A step context for tests: fixed identity and clock, a deadline, and the arguments that hold a secret. */
record TestContext(Instant deadline, Set<String> secretArguments) implements StepContext {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    TestContext(Instant deadline) {
        this(deadline, Set.of());
    }

    /** An unbounded attempt whose arguments {@code secretArguments} hold a secret (e.g. {@code headers.X-Key}). */
    static TestContext withSecrets(String... secretArguments) {
        return new TestContext(Instant.MAX, Set.of(secretArguments));
    }

    static TestContext unbounded() {
        return new TestContext(Instant.MAX);
    }

    static TestContext withRemaining(Duration remaining) {
        return new TestContext(NOW.plus(remaining));
    }

    @Override
    public InstantSource clock() {
        return InstantSource.fixed(NOW);
    }

    @Override
    public String tenantId() {
        return "default";
    }

    @Override
    public String runId() {
        return "run-7";
    }

    @Override
    public String stepId() {
        return "fetch";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public String idempotencyKey() {
        return "run-7/fetch";
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
