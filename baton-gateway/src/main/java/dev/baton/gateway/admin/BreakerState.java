package dev.baton.gateway.admin;

/** A circuit breaker's state (Resilience4j's, minus its metrics-only states). */
public enum BreakerState {
    /** Calls pass; failures are counted. */
    CLOSED,
    /** Calls are refused without reaching the upstream until the open duration has passed. */
    OPEN,
    /** A few probe calls pass; their outcome closes or reopens the breaker. */
    HALF_OPEN,
    /** The deployment's breaker is switched off in configuration. */
    DISABLED
}
