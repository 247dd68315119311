package dev.baton.gateway;

import dev.baton.core.error.BatonException;

import java.util.Objects;

/**
 * Who makes a gateway call and on whose behalf: the unit that usage is rolled up by and that per-key limits and
 * budgets apply to.
 *
 * @param principal      the API key id or tenant calling ({@code "anonymous"} when the API is open); never a
 *                       secret
 * @param runId          the workflow run the call belongs to, or {@code null} for direct API calls
 * @param workflow       the workflow name of that run, or {@code null}
 * @param stepId         the step id within the run, or {@code null}
 * @param useCache       {@code false} when the caller opted out of the response cache ({@code Cache-Control:
 *                       no-cache}); the fresh response is then not stored either
 * @param idempotencyKey a key that stays the same when the same logical call is made again (a step attempt
 *                       re-run after a crash: {@code <runId>/<stepId>}; a client's {@code Idempotency-Key}
 *                       header), or {@code null}. HTTP providers send it upstream as {@code Idempotency-Key}
 *                       (suffixed with a digest of the request body, see
 *                       {@link dev.baton.gateway.provider.http.IdempotencyKeys}); at most
 *                       {@value #MAX_IDEMPOTENCY_KEY_LENGTH} characters, no control characters
 */
public record CallContext(String principal, String runId, String workflow, String stepId, boolean useCache,
                          String idempotencyKey) {

    /** The principal of calls made without credentials while the API is open. */
    public static final String ANONYMOUS = "anonymous";
    /** The longest idempotency key accepted. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    public CallContext {
        Objects.requireNonNull(principal, "principal");
        if (principal.isBlank()) {
            throw new IllegalArgumentException("principal must not be blank");
        }
        if (idempotencyKey != null) {
            checkIdempotencyKey(idempotencyKey);
        }
    }

    /** A context without idempotency key. */
    public CallContext(String principal, String runId, String workflow, String stepId, boolean useCache) {
        this(principal, runId, workflow, stepId, useCache, null);
    }

    /** A direct API call by {@code principal}, cache allowed. */
    public static CallContext direct(String principal) {
        return new CallContext(principal, null, null, null, true, null);
    }

    /** A call made by step {@code stepId} of run {@code runId}. */
    public static CallContext step(String principal, String runId, String workflow, String stepId) {
        return new CallContext(principal, runId, workflow, stepId, true, null);
    }

    /** This context with the cache switched off. */
    public CallContext withoutCache() {
        return new CallContext(principal, runId, workflow, stepId, false, idempotencyKey);
    }

    /**
     * This context with {@code key} as its idempotency key ({@code null}: none).
     *
     * @throws BatonException {@code INVALID_INPUT} (field {@code Idempotency-Key}) for a blank key, one longer
     *                        than {@value #MAX_IDEMPOTENCY_KEY_LENGTH} characters or one with control characters
     */
    public CallContext withIdempotencyKey(String key) {
        return new CallContext(principal, runId, workflow, stepId, useCache, key);
    }

    private static void checkIdempotencyKey(String key) {
        if (key.isBlank()) {
            throw BatonException.invalidInput("Idempotency-Key", "must not be blank");
        }
        if (key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw BatonException.invalidInput("Idempotency-Key", "must be at most " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters, got " + key.length());
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw BatonException.invalidInput("Idempotency-Key", "must not contain control characters");
        }
    }
}
