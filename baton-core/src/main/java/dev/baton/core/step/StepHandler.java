package dev.baton.core.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.FieldError;

import java.util.List;
import java.util.Map;
import java.util.Set;

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
     * Checks, when a workflow is validated, what can be known about this step's arguments before it runs, beyond
     * their names (which the validator checks against {@link #signature()}): e.g. that a model name written as a
     * constant exists, that a number is in range, that two arguments are not given together. Arguments computed
     * by {@code {{ }}} expressions are only known when the step runs, where {@link #execute} checks them again.
     *
     * <p>Called once per step (and per {@code map} step body) with the names the step passes, all accepted by the
     * signature. Must not block or call out beyond in-memory lookups; thread-safe.
     *
     * @param names     every argument name written in {@code with}
     * @param constants the arguments written without expressions, by name (a subset of {@code names})
     * @return problems, each naming its field relative to {@code with} (e.g. {@code model},
     *         {@code messages[0].role}) and the reason; empty when none. The default checks nothing.
     */
    default List<FieldError> checkArguments(Set<String> names, Map<String, JsonNode> constants) {
        return List.of();
    }

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
