package dev.baton.gateway.config;

import dev.baton.gateway.api.ModelKind;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A name callers use ({@code default}, {@code fast}, {@code gpt-4o}...) and the deployments behind it.
 *
 * @param name        the alias
 * @param kind        chat or embedding
 * @param strategy    how a deployment is picked
 * @param deployments one or more deployments, in priority order
 * @param fallbacks   other aliases (same kind) tried in order when every deployment of this one failed
 */
public record ModelAlias(String name, ModelKind kind, Strategy strategy, List<Deployment> deployments,
                         List<String> fallbacks) {

    public ModelAlias {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(strategy, "strategy");
        deployments = List.copyOf(deployments);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("model " + name + " needs at least one deployment");
        }
        var ids = new HashSet<String>();
        for (Deployment d : deployments) {
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException("model " + name + ": deployment id " + d.id() + " appears twice");
            }
        }
        if (fallbacks.contains(name)) {
            throw new IllegalArgumentException("model " + name + " lists itself as a fallback");
        }
    }
}
