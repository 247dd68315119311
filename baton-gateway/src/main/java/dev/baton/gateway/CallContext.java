package dev.baton.gateway;

import java.util.Objects;

/**
 * Who makes a gateway call and on whose behalf: the unit that usage is rolled up by and that per-key limits and
 * budgets apply to.
 *
 * @param principal the API key id or tenant calling ({@code "anonymous"} when the API is open); never a secret
 * @param runId     the workflow run the call belongs to, or {@code null} for direct API calls
 * @param workflow  the workflow name of that run, or {@code null}
 * @param stepId    the step id within the run, or {@code null}
 * @param useCache  {@code false} when the caller opted out of the response cache ({@code Cache-Control:
 *                  no-cache}); the fresh response is then not stored either
 */
public record CallContext(String principal, String runId, String workflow, String stepId, boolean useCache) {

    /** The principal of calls made without credentials while the API is open. */
    public static final String ANONYMOUS = "anonymous";

    public CallContext {
        Objects.requireNonNull(principal, "principal");
        if (principal.isBlank()) {
            throw new IllegalArgumentException("principal must not be blank");
        }
    }

    /** A direct API call by {@code principal}, cache allowed. */
    public static CallContext direct(String principal) {
        return new CallContext(principal, null, null, null, true);
    }

    /** A call made by step {@code stepId} of run {@code runId}. */
    public static CallContext step(String principal, String runId, String workflow, String stepId) {
        return new CallContext(principal, runId, workflow, stepId, true);
    }

    /** This context with the cache switched off. */
    public CallContext withoutCache() {
        return new CallContext(principal, runId, workflow, stepId, false);
    }
}
