package dev.baton.core.step;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * What a {@link StepHandler} knows about the attempt it executes. Implemented by the engine.
 */
public interface StepContext {

    String tenantId();

    String runId();

    /**
     * The id of the workflow the run executes (e.g. {@code meeting-notes}), or {@code null} when the caller of the
     * handler does not know it (contexts built by hand in tests). Used to attribute usage, e.g. of
     * {@code llm.chat} calls, per workflow.
     */
    default String workflowId() {
        return null;
    }

    /** The step id ({@code <stepId>[<index>]} for items of a map step). */
    String stepId();

    /** 1-based attempt number. */
    int attempt();

    /**
     * A key that is the same for every attempt of this step in this run, also across restarts:
     * {@code <runId>/<stepId>}. Pass it to services that deduplicate ({@code Idempotency-Key}).
     */
    String idempotencyKey();

    /** The engine's clock. */
    InstantSource clock();

    /**
     * When this attempt times out, or {@link Instant#MAX} when it has no timeout. Handlers that call out should
     * bound their own timeouts by {@link #remaining()}.
     */
    Instant deadline();

    /** Time left until {@link #deadline()}, never negative; a very large value when there is no deadline. */
    default Duration remaining() {
        Instant deadline = deadline();
        if (deadline.equals(Instant.MAX)) {
            return Duration.ofDays(365);
        }
        Duration left = Duration.between(clock().instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Whether the attempt has been cancelled or timed out; long computations should check it between chunks. */
    boolean isCancelled();

    /**
     * The arguments whose values hold a secret ({@code {{ secrets.NAME }}}) in this attempt, as paths relative to
     * {@code with} (e.g. {@code headers.X-API-Key}, {@code body.client_secret}); empty when none (the default).
     * A handler must send these only where the workflow says: e.g. the http step must not carry such a header,
     * nor a body holding one, across a redirect to another origin.
     */
    default java.util.Set<String> secretArguments() {
        return java.util.Set.of();
    }
}
