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
 * @param tenantId       the tenant the call is made for (the API principal's, or the run's for a step), whose
 *                       quotas apply and under which its usage is recorded; {@code null} when the caller has no
 *                       tenant (embedded use, older callers): no tenant quota applies and usage is recorded under
 *                       {@value #DEFAULT_TENANT}
 * @param keyId          the stored API key that makes the call (its own quotas apply too), or {@code null}
 */
public record CallContext(String principal, String runId, String workflow, String stepId, boolean useCache,
                          String idempotencyKey, String tenantId, String keyId) {

    /** The principal of calls made without credentials while the API is open. */
    public static final String ANONYMOUS = "anonymous";
    /** The longest idempotency key accepted. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    /** The tenant usage is recorded under when a call names none (also the default system tenant). */
    public static final String DEFAULT_TENANT = "default";

    public CallContext {
        Objects.requireNonNull(principal, "principal");
        if (principal.isBlank()) {
            throw new IllegalArgumentException("principal must not be blank");
        }
        if (idempotencyKey != null) {
            checkIdempotencyKey(idempotencyKey);
        }
        if (tenantId != null && tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId must not be blank");
        }
    }

    /** A context without tenant or key (see the canonical constructor). */
    public CallContext(String principal, String runId, String workflow, String stepId, boolean useCache,
                       String idempotencyKey) {
        this(principal, runId, workflow, stepId, useCache, idempotencyKey, null, null);
    }

    /** A context without idempotency key. */
    public CallContext(String principal, String runId, String workflow, String stepId, boolean useCache) {
        this(principal, runId, workflow, stepId, useCache, null, null, null);
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
        return new CallContext(principal, runId, workflow, stepId, false, idempotencyKey, tenantId, keyId);
    }

    /**
     * This context made for {@code tenant} (its quotas apply, its usage is recorded under it) by stored API key
     * {@code key} ({@code null}: none).
     */
    public CallContext withTenant(String tenant, String key) {
        return new CallContext(principal, runId, workflow, stepId, useCache, idempotencyKey, tenant, key);
    }

    /** The tenant usage is recorded under: {@link #tenantId()}, or {@value #DEFAULT_TENANT} when none. */
    public String usageTenant() {
        return tenantId == null ? DEFAULT_TENANT : tenantId;
    }

    /**
     * This context with {@code key} as its idempotency key ({@code null}: none).
     *
     * @throws BatonException {@code INVALID_INPUT} (field {@code Idempotency-Key}) for a blank key, one longer
     *                        than {@value #MAX_IDEMPOTENCY_KEY_LENGTH} characters or one with control characters
     */
    public CallContext withIdempotencyKey(String key) {
        return new CallContext(principal, runId, workflow, stepId, useCache, key, tenantId, keyId);
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
