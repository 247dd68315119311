package dev.baton.gateway.api;

import java.util.List;
import java.util.Objects;

/**
 * A model alias as listed by {@code GET /v1/models}.
 *
 * @param alias       the alias callers use
 * @param kind        chat or embedding
 * @param deployments the ids of its deployments, in configured order
 * @param fallbacks   aliases tried, in order, when every deployment of this one failed
 */
public record ModelInfo(String alias, ModelKind kind, List<String> deployments, List<String> fallbacks) {
    public ModelInfo {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(kind, "kind");
        deployments = List.copyOf(deployments);
        fallbacks = List.copyOf(fallbacks);
    }
}
