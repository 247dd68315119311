package dev.baton.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;

import java.util.Set;

/**
 * Step type {@code bench.noop}: does nothing and returns {@code null}, noting {@code System.nanoTime()} at entry
 * and at exit of the handler in {@link ChainMoments}. The handler-level view of dispatch: exit of {@code a} →
 * entry of {@code b}. Takes an optional {@code value} argument so workflows can pass data along.
 */
final class TimedNoopStep implements StepHandler {
    static final String TYPE = "bench.noop";

    private final ChainMoments moments;

    TimedNoopStep(ChainMoments moments) {
        this.moments = moments;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public StepSignature signature() {
        return new StepSignature(Set.of(), Set.of("value"));
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) {
        long entry = System.nanoTime();
        ChainMoments.Run run = moments.of(context.runId());
        int step = ChainMoments.index(context.stepId());
        if (run != null && step >= 0) {
            run.handlerEntryNanos.set(step, entry);
            run.handlerExitNanos.set(step, System.nanoTime());
        }
        return NullNode.getInstance();
    }
}
