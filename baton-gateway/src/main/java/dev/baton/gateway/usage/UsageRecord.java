package dev.baton.gateway.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one gateway call used and cost.
 *
 * @param at               when the call finished
 * @param principal        API key id or {@code anonymous}
 * @param runId            the run it belongs to, or {@code null}
 * @param workflow         that run's workflow, or {@code null}
 * @param stepId           the step, or {@code null}
 * @param alias            the model alias that answered
 * @param deployment       the deployment that answered ({@code cache} for a hit; the last tried on failure)
 * @param provider         its provider type
 * @param upstreamModel    the upstream model name
 * @param operation        {@code chat}, {@code chat.stream} or {@code embeddings}
 * @param inputTokens      input tokens (≥ 0)
 * @param outputTokens     output tokens (≥ 0)
 * @param estimated        whether the token counts are Baton's estimate rather than the provider's report
 * @param costUsd          cost in USD from the deployment's prices (0 for cache hits)
 * @param latency          wall time of the call
 * @param timeToFirstToken streams: time to the first chunk; else {@code null}
 * @param cacheHit         served from the response cache
 * @param errorCode        the {@link dev.baton.core.error.ErrorCode} code when the call failed, else {@code null}
 * @param tenantId         the tenant the call was made for ({@link dev.baton.gateway.CallContext#usageTenant()})
 * @param keyId            the stored API key that made it ({@link dev.baton.gateway.CallContext#keyId()}), or
 *                         {@code null}
 */
public record UsageRecord(Instant at, String principal, String runId, String workflow, String stepId, String alias,
                          String deployment, String provider, String upstreamModel, String operation,
                          long inputTokens, long outputTokens, boolean estimated, double costUsd, Duration latency,
                          Duration timeToFirstToken, boolean cacheHit, String errorCode, String tenantId,
                          String keyId) {
    public UsageRecord {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(latency, "latency");
        if (inputTokens < 0 || outputTokens < 0 || !(costUsd >= 0)) {
            throw new IllegalArgumentException("tokens and cost must be ≥ 0");
        }
    }

    /** A record of the {@value dev.baton.gateway.CallContext#DEFAULT_TENANT} tenant (callers without tenants). */
    public UsageRecord(Instant at, String principal, String runId, String workflow, String stepId, String alias,
                       String deployment, String provider, String upstreamModel, String operation, long inputTokens,
                       long outputTokens, boolean estimated, double costUsd, Duration latency,
                       Duration timeToFirstToken, boolean cacheHit, String errorCode) {
        this(at, principal, runId, workflow, stepId, alias, deployment, provider, upstreamModel, operation,
                inputTokens, outputTokens, estimated, costUsd, latency, timeToFirstToken, cacheHit, errorCode,
                dev.baton.gateway.CallContext.DEFAULT_TENANT, null);
    }
}
