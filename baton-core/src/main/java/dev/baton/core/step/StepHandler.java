package dev.baton.core.step;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The plug-in interface of a step type ({@code uses: <type>}): turns evaluated arguments into an output.
 * Flow-control types ({@code map}, {@code workflow}, {@code transform}, {@code sleep}) are built into the engine;
 * everything else (embed, classify, http, llm.chat...) is a handler registered in a {@link StepRegistry}.
 *
 * <p>Implementations must be thread-safe: one handler instance executes many attempts concurrently, each on its
 * own virtual thread.
 */
public interface StepHandler {

    /** The step type name used in {@code uses}, e.g. {@code embed}. Lower case, dots allowed. */
    String type();

    /**
     * The arguments this type accepts; the validator rejects unknown and missing ones at registration time.
     */
    StepSignature signature();

    /**
     * Executes one attempt.
     *
     * @param context   run/step/attempt identity, idempotency key, deadline and cancellation
     * @param arguments the step's {@code with}, rendered (an object; never null)
     * @return the step output (any JSON value; {@code NullNode} for none)
     * @throws dev.baton.core.error.BatonException to fail the attempt; {@code retriable()} decides whether the
     *                                             retry policy applies. Any other exception fails it as
     *                                             non-retriable {@code STEP_FAILED}.
     * @throws InterruptedException when cancelled or timed out while blocking; the engine records the reason
     */
    JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException;

    /**
     * Maximum attempts of this type executing at once across the node, or 0 for no per-type limit (only the
     * engine's global limit applies). Operators can override it in configuration.
     */
    default int concurrencyLimit() {
        return 0;
    }
}
