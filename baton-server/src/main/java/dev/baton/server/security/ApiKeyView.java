package dev.baton.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.security.ApiKey;
import dev.baton.core.security.Quotas;

import java.time.Instant;

/**
 * An API key as the API and the CLI show it: every field but the hash ({@code id, tenant, name, prefix, roles,
 * quotas?, createdAt, createdBy, expiresAt, lastUsedAt, revokedAt, active}); the schema {@code ApiKey} of
 * openapi.json. Stateless.
 */
public final class ApiKeyView {
    private ApiKeyView() {
    }

    /**
     * @param now the time {@code active} is judged at
     */
    public static ObjectNode of(ApiKey key, Instant now, ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("id", key.id());
        node.put("tenant", key.tenantId());
        node.put("name", key.name());
        node.put("prefix", key.prefix());
        ArrayNode roles = node.putArray("roles");
        key.roles().stream().sorted().forEach(role -> roles.add(role.id()));
        Quotas quotas = key.quotas();
        if (quotas.isLimited()) {
            ObjectNode limits = node.putObject("quotas");
            limits.put("requestsPerMinute", quotas.requestsPerMinute());
            limits.put("tokensPerMinute", quotas.tokensPerMinute());
            limits.put("maxConcurrentRuns", quotas.maxConcurrentRuns());
            limits.put("dailyTokens", quotas.dailyTokens());
            limits.put("dailyCostUsd", quotas.dailyCostUsd());
            limits.put("monthlyTokens", quotas.monthlyTokens());
            limits.put("monthlyCostUsd", quotas.monthlyCostUsd());
        }
        node.put("createdAt", key.createdAt().toString());
        node.put("createdBy", key.createdBy());
        node.put("expiresAt", key.expiresAt() == null ? null : key.expiresAt().toString());
        node.put("lastUsedAt", key.lastUsedAt() == null ? null : key.lastUsedAt().toString());
        node.put("revokedAt", key.revokedAt() == null ? null : key.revokedAt().toString());
        node.put("active", key.isActive(now));
        return node;
    }
}
