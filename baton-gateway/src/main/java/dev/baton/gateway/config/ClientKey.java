package dev.baton.gateway.config;

import java.util.Objects;

/**
 * An API key clients present as {@code Authorization: Bearer <key>} to the OpenAI-compatible API. When at least
 * one is configured the API requires one; usage, limits and budgets are kept per key id.
 *
 * @param id     the key's public name (appears in usage reports, metrics and logs)
 * @param secret reference to the key's value
 * @param limits this key's RPM/TPM, protecting the budget
 * @param budget this key's token/cost cap
 */
public record ClientKey(String id, SecretRef secret, RateLimits limits, Budget budget) {
    public ClientKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(budget, "budget");
    }
}
