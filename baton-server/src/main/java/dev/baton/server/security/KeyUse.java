package dev.baton.server.security;

import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Records the last use of API keys ({@link ApiKey#lastUsedAt()}) without a store write on every request: a key's
 * use is written at most once per {@link #INTERVAL} per node, off the request path (on {@code executor}), best
 * effort (a failed write is logged and retried on a later use). Thread-safe.
 */
final class KeyUse {
    /** Minimum time between two writes for one key. */
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(KeyUse.class);

    private final ApiKeyStore store;
    private final Executor executor;
    /** key id → the use last written (or being written) by this node. */
    private final Map<String, Instant> written = new ConcurrentHashMap<>();

    KeyUse(ApiKeyStore store, Executor executor) {
        this.store = Objects.requireNonNull(store, "store");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Notes that {@code key} authenticated at {@code now}; writes it when the last write is old enough. */
    void used(ApiKey key, Instant now) {
        if (key.lastUsedAt() != null && now.isBefore(key.lastUsedAt().plus(INTERVAL))) {
            return;
        }
        boolean[] due = {false};
        written.compute(key.id(), (id, last) -> {
            if (last != null && now.isBefore(last.plus(INTERVAL))) {
                return last;
            }
            due[0] = true;
            return now;
        });
        if (due[0]) {
            executor.execute(() -> {
                try {
                    store.touch(key.id(), now);
                } catch (RuntimeException e) {
                    written.remove(key.id(), now);
                    LOG.warn("could not record the use of API key {}: {}", key.prefix(), e.getMessage());
                }
            });
        }
    }
}
