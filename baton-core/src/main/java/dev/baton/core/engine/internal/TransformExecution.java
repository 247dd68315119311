package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * {@code transform}: the output is the rendered {@code with.value}. Pure, so its start and finish are journaled
 * together in one append; holds no permit.
 */
final class TransformExecution implements Execution {

    @Override
    public void begin(AttemptRun attempt, JsonNode input) {
        JsonNode value = input.has("value") ? input.get("value") : NullNode.getInstance();
        attempt.startAndFinish(input, Outcome.succeeded(value));
    }

    @Override
    public void stop(AttemptRun attempt) {
        // Nothing runs outside the mailbox.
    }
}
