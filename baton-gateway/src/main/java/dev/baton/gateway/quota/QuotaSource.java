package dev.baton.gateway.quota;

import java.util.List;

/**
 * Which quotas apply to a caller: its tenant's and, when it calls with a stored API key, the key's. Implemented by
 * the server from its configuration and key store.
 *
 * <p>Implementations are thread-safe and fast (called on every request and gateway call; cache what needs a
 * store read).
 */
@FunctionalInterface
public interface QuotaSource {
    /** No quotas for anyone. */
    QuotaSource NONE = (tenantId, keyId) -> List.of();

    /**
     * The scopes whose quotas apply, tenant first; only scopes with at least one limit set need be returned.
     *
     * @param tenantId the caller's tenant, or {@code null} (no tenant quota)
     * @param keyId    the stored API key it calls with, or {@code null}
     * @throws dev.baton.core.error.BatonException {@code STORE_UNAVAILABLE} when a key's quotas cannot be read
     */
    List<QuotaScope> scopes(String tenantId, String keyId);
}
