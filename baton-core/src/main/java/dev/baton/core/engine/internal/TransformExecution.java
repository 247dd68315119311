package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** {@code transform}: the output is the rendered {@code with.value}. Pure; holds no permit. */
final class TransformExecution implements Execution {

    @Override
    public void begin(AttemptRun attempt, JsonNode input) {
        if (!attempt.markStarted(input)) {
            return;
        }
        JsonNode value = input.has("value") ? input.get("value") : NullNode.getInstance();
        attempt.startedDurable().thenRun(() -> attempt.completeFromExecution(Outcome.succeeded(value)));
    }

    @Override
    public void stop(AttemptRun attempt) {
        // Nothing runs outside the mailbox.
    }
}
