package dev.baton.server.security;

import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.store.Page;

import java.time.Instant;
import java.util.Optional;

/** An {@link ApiKeyStore} passing every call to another: tests override the calls they watch. */
class ForwardingKeys implements ApiKeyStore {
    private final ApiKeyStore target;

    ForwardingKeys(ApiKeyStore target) {
        this.target = target;
    }

    @Override
    public void create(ApiKey key) {
        target.create(key);
    }

    @Override
    public Optional<ApiKey> findByPrefix(String prefix) {
        return target.findByPrefix(prefix);
    }

    @Override
    public Optional<ApiKey> find(String tenantId, String id) {
        return target.find(tenantId, id);
    }

    @Override
    public Page<ApiKey> list(String tenantId, String cursor, int limit) {
        return target.list(tenantId, cursor, limit);
    }

    @Override
    public Optional<ApiKey> revoke(String tenantId, String id, Instant at) {
        return target.revoke(tenantId, id, at);
    }

    @Override
    public void touch(String id, Instant at) {
        target.touch(id, at);
    }
}
