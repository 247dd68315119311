package dev.baton.ai.step;

import dev.baton.core.step.StepContext;
import dev.baton.gateway.CallContext;

/** The gateway {@link CallContext} of a step attempt: usage is rolled up by run, workflow and step. */
final class Calls {
    private Calls() {
    }

    /**
     * The call context of {@code context}'s attempt. The engine knows no principal (runs are not bound to an API
     * key), so the principal is {@link CallContext#ANONYMOUS}; per-run budgets still apply by run id.
     */
    static CallContext of(StepContext context) {
        return CallContext.step(CallContext.ANONYMOUS, context.runId(), context.workflowId(), context.stepId());
    }
}
