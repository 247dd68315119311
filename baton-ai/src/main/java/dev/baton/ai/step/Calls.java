package dev.baton.ai.step;

import dev.baton.core.step.StepContext;
import dev.baton.gateway.CallContext;

/** The gateway {@link CallContext} of a step attempt: usage is rolled up by run, workflow and step. */
final class Calls {
    private Calls() {
    }

    /**
     * The call context of {@code context}'s attempt. The engine knows no principal (runs are not bound to an API
     * key), so the principal is {@link CallContext#ANONYMOUS}; the call is made for the run's tenant (its token
     * rate and day/month budgets apply, its usage is recorded under it), and per-run budgets apply by run id. The
     * idempotency key is the step's ({@code <runId>/<stepId>}, the same for every attempt and across restarts),
     * so an upstream that deduplicates can answer a call re-made after a crash without doing it twice.
     */
    static CallContext of(StepContext context) {
        return CallContext.step(CallContext.ANONYMOUS, context.runId(), context.workflowId(), context.stepId())
                .withIdempotencyKey(fit(context.idempotencyKey()))
                .withTenant(context.tenantId(), null);
    }

    /** The key, or for one longer than the gateway accepts, its start and a digest of the whole. */
    static String fit(String key) {
        if (key.length() <= CallContext.MAX_IDEMPOTENCY_KEY_LENGTH) {
            return key;
        }
        return key.substring(0, CallContext.MAX_IDEMPOTENCY_KEY_LENGTH - 17) + "~"
                + java.util.HexFormat.of().toHexDigits(key.hashCode()) + java.util.HexFormat.of().toHexDigits(
                        key.substring(key.length() / 2).hashCode());
    }
}
