package dev.baton.core.security;

import dev.baton.core.store.Page;

import java.time.Instant;
import java.util.Optional;

/**
 * Where API keys are kept: in memory, H2 or PostgreSQL. Implementations pass the shared contract suite
 * ({@code ApiKeyStoreContract}). Thread-safe.
 *
 * <p>Errors: {@code STORE_UNAVAILABLE} when the store cannot be reached; {@code CONFLICT} when an id or prefix
 * is already taken.
 */
public interface ApiKeyStore {

    /** Stores a new key. @throws dev.baton.core.error.BatonException CONFLICT on a duplicate id or prefix */
    void create(ApiKey key);

    /** The key with this public prefix, in any tenant (authentication looks keys up by prefix), revoked included. */
    Optional<ApiKey> findByPrefix(String prefix);

    /** The tenant's key with this id, or empty (also when it belongs to another tenant). */
    Optional<ApiKey> find(String tenantId, String id);

    /**
     * A page of the tenant's keys, newest first, revoked included.
     *
     * @param cursor the previous page's {@link Page#nextCursor()}, or {@code null} for the first page
     * @param limit  1..1000
     */
    Page<ApiKey> list(String tenantId, String cursor, int limit);

    /**
     * Revokes the tenant's key; revoking a revoked key keeps the first revocation time.
     *
     * @return the key as now stored, or empty when the tenant has no such key
     */
    Optional<ApiKey> revoke(String tenantId, String id, Instant at);

    /** Records a successful use (best effort; callers coalesce so this runs at most about once a minute per key). */
    void touch(String id, Instant at);
}
