package dev.baton.ai.step;

import dev.baton.core.step.StepContext;

import java.time.Instant;
import java.time.InstantSource;

/** A step context for tests: fixed identity, a fixed clock and a deadline. */
record TestContext(InstantSource clock, Instant deadline) implements StepContext {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** No deadline. */
    static TestContext unbounded() {
        return new TestContext(InstantSource.fixed(NOW), Instant.MAX);
    }

    static TestContext withRemaining(java.time.Duration remaining) {
        return new TestContext(InstantSource.fixed(NOW), NOW.plus(remaining));
    }

    @Override
    public String tenantId() {
        return "default";
    }

    @Override
    public String runId() {
        return "run-1";
    }

    @Override
    public String workflowId() {
        return "test-workflow";
    }

    @Override
    public String stepId() {
        return "step";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public String idempotencyKey() {
        return "run-1/step";
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
