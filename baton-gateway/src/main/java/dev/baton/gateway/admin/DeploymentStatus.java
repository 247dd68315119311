package dev.baton.gateway.admin;

import java.util.List;
import java.util.Objects;

/**
 * A deployment as an operator sees it.
 *
 * @param id                 deployment id
 * @param alias              the model alias it serves
 * @param provider           provider type
 * @param upstreamModel      upstream model name
 * @param enabled            whether it takes traffic
 * @param breaker            its circuit breaker's state
 * @param health             its health
 * @param uptimePercent      share of successful checks among {@code recentChecks}, in [0, 100]; 100 when none
 * @param inFlight           requests in flight now
 * @param latencyEwmaMillis  exponentially weighted moving average of recent successful call latency, ms
 * @param requests           calls since start
 * @param failures           failed calls since start
 * @param recentChecks       the last (at most 100) health checks, newest first
 */
public record DeploymentStatus(String id, String alias, String provider, String upstreamModel, boolean enabled,
                               BreakerState breaker, HealthState health, double uptimePercent, long inFlight,
                               double latencyEwmaMillis, long requests, long failures,
                               List<HealthCheck> recentChecks) {
    public DeploymentStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(health, "health");
        recentChecks = List.copyOf(recentChecks);
    }
}
