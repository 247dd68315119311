package dev.baton.gateway.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a gateway call was served; set by the gateway, not by providers.
 *
 * @param alias            the model alias that answered (after fallbacks, may differ from the requested one)
 * @param deployment       the deployment id that answered, or {@code "cache"} for a cache hit
 * @param provider         the provider type ({@code openai}, {@code anthropic}, {@code local}, {@code cache})
 * @param upstreamModel    the model name the provider used
 * @param attempts         upstream attempts made, including failed ones and failovers (0 for a cache hit)
 * @param latency          wall time of the whole call, retries included
 * @param timeToFirstToken for streams, time until the first chunk; {@code null} otherwise
 * @param costUsd          cost of the successful attempt from the deployment's prices (0 for a cache hit)
 * @param cacheHit         whether the response came from the response cache
 */
public record Served(String alias, String deployment, String provider, String upstreamModel, int attempts,
                     Duration latency, Duration timeToFirstToken, double costUsd, boolean cacheHit) {
    public Served {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(latency, "latency");
        if (attempts < 0 || costUsd < 0) {
            throw new IllegalArgumentException("attempts and costUsd must be ≥ 0");
        }
    }
}
