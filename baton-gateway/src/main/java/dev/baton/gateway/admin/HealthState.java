package dev.baton.gateway.admin;

/** A deployment's health, from its breaker, recent traffic and probes. */
public enum HealthState {
    /** Recent calls and probes succeed. */
    HEALTHY,
    /** Some recent calls failed or were slow, but the breaker is closed. */
    DEGRADED,
    /** The breaker is open or the latest probes failed. */
    UNHEALTHY,
    /** No traffic and no probe yet. */
    UNKNOWN
}
