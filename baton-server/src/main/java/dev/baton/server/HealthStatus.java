package dev.baton.server;

/**
 * The health of a node or of one of its components, from best to worst. A node is {@link #DOWN} exactly when it
 * is not ready ({@code /api/v1/health/ready} answers 503).
 */
public enum HealthStatus {
    /** Serving normally. */
    UP,
    /** Serving, but something needs attention (a gateway deployment failing, the run queue nearly full). */
    DEGRADED,
    /** Not serving: the store is unreachable or not migrated, the embedding model is not loaded, or the node is
     *  still starting. */
    DOWN;

    /** The worse of this and {@code other}. */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
