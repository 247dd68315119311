package dev.baton.gateway.config;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One place a model alias can be served from: a provider, an endpoint and an upstream model name, with its own
 * key, weight, limits, timeouts, prices and breaker.
 *
 * @param id            unique across the gateway, e.g. {@code openai-eu}; used in metrics and admin endpoints
 * @param provider      provider type: {@code openai} (any OpenAI-compatible server), {@code anthropic},
 *                      {@code local} (an in-process embedding model)
 * @param baseUrl       the API root including its version path (e.g. {@code https://api.openai.com/v1});
 *                      {@code null} for {@code local}
 * @param upstreamModel the model name sent upstream (e.g. {@code gpt-4o-mini})
 * @param apiKey        reference to the API key, or {@code null} for servers that need none
 * @param weight        share under the weighted strategy (≥ 1)
 * @param limits        this deployment's RPM/TPM, protecting the upstream
 * @param timeouts      its timeouts
 * @param pricing       its prices
 * @param breaker       its circuit breaker
 * @param headers       extra request headers (e.g. {@code OpenAI-Organization}); values are not secrets
 * @param enabled       whether it starts enabled (an operator can switch it at run time)
 */
public record Deployment(String id, String provider, URI baseUrl, String upstreamModel, SecretRef apiKey, int weight,
                         RateLimits limits, Timeouts timeouts, Pricing pricing, BreakerSettings breaker,
                         Map<String, String> headers, boolean enabled) {

    public Deployment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(pricing, "pricing");
        Objects.requireNonNull(breaker, "breaker");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        if (id.isBlank() || upstreamModel.isBlank()) {
            throw new IllegalArgumentException("deployment id and model must not be blank");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("deployment " + id + ": weight must be ≥ 1: " + weight);
        }
        if (baseUrl == null && !provider.equals("local")) {
            throw new IllegalArgumentException("deployment " + id + ": baseUrl is required for provider " + provider);
        }
    }

    /** A deployment with default weight, limits, timeouts, prices and breaker; for tests and examples. */
    public static Deployment of(String id, String provider, URI baseUrl, String upstreamModel) {
        return new Deployment(id, provider, baseUrl, upstreamModel, null, 1, RateLimits.UNLIMITED, Timeouts.DEFAULT,
                Pricing.FREE, BreakerSettings.DEFAULT, Map.of(), true);
    }
}
