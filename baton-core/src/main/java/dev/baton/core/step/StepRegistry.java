package dev.baton.core.step;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The step handlers known to a node, by type name. Immutable once built; thread-safe.
 */
public final class StepRegistry {
    private final Map<String, StepHandler> handlers;

    private StepRegistry(Map<String, StepHandler> handlers) {
        this.handlers = Map.copyOf(handlers);
    }

    public static StepRegistry of(Collection<? extends StepHandler> handlers) {
        Map<String, StepHandler> byType = new TreeMap<>();
        for (StepHandler handler : handlers) {
            StepHandler previous = byType.put(handler.type(), handler);
            if (previous != null) {
                throw new IllegalArgumentException("two handlers for step type '" + handler.type() + "'");
            }
        }
        return new StepRegistry(byType);
    }

    public Optional<StepHandler> find(String type) {
        return Optional.ofNullable(handlers.get(type));
    }

    /** Registered type names, sorted. */
    public Collection<String> types() {
        return new TreeMap<>(handlers).keySet();
    }
}
