package dev.baton.server;

import java.util.Objects;

/**
 * Whether one component of a node (the store, the embedding model) is ready to serve.
 *
 * @param ready  whether it can serve now
 * @param detail what the component is doing or why it is not ready, for operators
 */
public record ComponentHealth(boolean ready, String detail) {
    public ComponentHealth {
        Objects.requireNonNull(detail, "detail");
    }

    public static ComponentHealth ready(String detail) {
        return new ComponentHealth(true, detail);
    }

    public static ComponentHealth notReady(String detail) {
        return new ComponentHealth(false, detail);
    }
}
