package dev.baton.gateway.config;

/** How a model alias picks among its healthy, enabled deployments. Configured as the lower-case name. */
public enum Strategy {
    /** Each deployment in turn. */
    ROUND_ROBIN,
    /** At random, in proportion to {@link Deployment#weight()}. */
    WEIGHTED,
    /** The one with the fewest requests in flight (ties: configured order). */
    LEAST_BUSY,
    /** The one with the lowest exponentially weighted moving average of recent latency. */
    LATENCY,
    /** The first available in configured order; later ones only when earlier ones are unavailable. */
    PRIORITY
}
