package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.store.Page;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link ApiKeyStore} held in memory: for tests and the in-memory node (keys are lost on restart).
 * Thread-safe: keys are immutable records in a concurrent map by id; creation claims the prefix first, so two
 * keys never share one.
 */
public final class InMemoryApiKeyStore implements ApiKeyStore {
    /** Listing order: newest first, ties by id descending (the same as the JDBC store). */
    static final Comparator<ApiKey> NEWEST_FIRST = Comparator.comparing(ApiKey::createdAt)
            .thenComparing(ApiKey::id).reversed();

    private final Map<String, ApiKey> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByPrefix = new ConcurrentHashMap<>();

    @Override
    public void create(ApiKey key) {
        Objects.requireNonNull(key, "key");
        if (idByPrefix.putIfAbsent(key.prefix(), key.id()) != null) {
            throw new BatonException(ErrorCode.CONFLICT, "an API key with prefix " + key.prefix() + " exists");
        }
        if (byId.putIfAbsent(key.id(), key) != null) {
            idByPrefix.remove(key.prefix(), key.id());
            throw new BatonException(ErrorCode.CONFLICT, "an API key with id " + key.id() + " exists");
        }
    }

    @Override
    public Optional<ApiKey> findByPrefix(String prefix) {
        String id = prefix == null ? null : idByPrefix.get(prefix);
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<ApiKey> find(String tenantId, String id) {
        ApiKey key = id == null ? null : byId.get(id);
        return key != null && key.tenantId().equals(tenantId) ? Optional.of(key) : Optional.empty();
    }

    @Override
    public Page<ApiKey> list(String tenantId, String cursor, int limit) {
        if (limit < 1 || limit > 1000) {
            throw BatonException.invalidInput("limit", "must be 1..1000, got " + limit);
        }
        KeyCursor after = cursor == null ? null : KeyCursor.decode(cursor);
        List<ApiKey> matching = byId.values().stream()
                .filter(k -> k.tenantId().equals(tenantId))
                .filter(k -> after == null || after.precedes(k))
                .sorted(NEWEST_FIRST)
                .limit(limit + 1L)
                .toList();
        if (matching.size() <= limit) {
            return new Page<>(matching, null);
        }
        List<ApiKey> page = matching.subList(0, limit);
        return new Page<>(page, KeyCursor.after(page.getLast()).encode());
    }

    @Override
    public Optional<ApiKey> revoke(String tenantId, String id, Instant at) {
        Objects.requireNonNull(at, "at");
        if (find(tenantId, id).isEmpty()) {
            return Optional.empty();
        }
        AtomicReference<ApiKey> result = new AtomicReference<>();
        byId.computeIfPresent(id, (k, key) -> {
            ApiKey revoked = key.revokedAt() != null ? key : with(key, key.lastUsedAt(), at);
            result.set(revoked);
            return revoked;
        });
        return Optional.ofNullable(result.get());
    }

    @Override
    public void touch(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        byId.computeIfPresent(id, (k, key) -> key.lastUsedAt() != null && !at.isAfter(key.lastUsedAt())
                ? key : with(key, at, key.revokedAt()));
    }

    private static ApiKey with(ApiKey key, Instant lastUsedAt, Instant revokedAt) {
        return new ApiKey(key.id(), key.tenantId(), key.name(), key.prefix(), key.hash(), key.roles(),
                key.quotas(), key.createdAt(), key.createdBy(), key.expiresAt(), lastUsedAt, revokedAt);
    }
}
