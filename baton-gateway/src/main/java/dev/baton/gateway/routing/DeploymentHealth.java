package dev.baton.gateway.routing;

import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.HealthCheck;
import dev.baton.gateway.admin.HealthState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Passive and active health of one deployment: requests in flight, request and failure counters, the latency
 * EWMA of successful calls and the ring of recent checks. Lock-free; every method is thread-safe.
 *
 * <p>The health state is derived on read by {@link #state}:
 * <ol>
 *   <li>{@code UNHEALTHY} when the breaker is open, when the newest check is a failed probe, or when the three
 *       newest checks all failed;</li>
 *   <li>{@code UNKNOWN} when there is no check yet (no traffic, no probe);</li>
 *   <li>{@code DEGRADED} when the breaker is half-open, or one of the {@link #RECENT} newest checks failed or took
 *       longer than the breaker's slow-call duration;</li>
 *   <li>{@code HEALTHY} otherwise.</li>
 * </ol>
 */
final class DeploymentHealth {

    /** Source of checks made by real calls. */
    static final String TRAFFIC = "traffic";
    /** Source of checks made by active probes. */
    static final String PROBE = "probe";
    /** Checks considered "recent" for {@code DEGRADED}. */
    static final int RECENT = 10;
    /** Consecutive failed checks that make a deployment {@code UNHEALTHY} although its breaker is closed. */
    static final int FAILED_IN_A_ROW = 3;

    private final Duration slowCall;
    private final HealthRing checks = new HealthRing();
    private final LatencyEwma latency = new LatencyEwma();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Instant> lastStarted = new AtomicReference<>();

    DeploymentHealth(Duration slowCall) {
        this.slowCall = slowCall;
    }

    /** A call was sent at {@code at}: counts it and puts it in flight. */
    void started(Instant at) {
        requests.incrementAndGet();
        inFlight.incrementAndGet();
        lastStarted.set(at);
    }

    /** When the last call was sent, or {@code null} before the first. */
    Instant lastStarted() {
        return lastStarted.get();
    }

    /** A call that was started ended, in any way. */
    void ended() {
        inFlight.decrementAndGet();
    }

    /** A call succeeded in {@code took}. */
    void succeeded(HealthCheck check, Duration took) {
        latency.record(took);
        checks.add(check);
    }

    /** A call failed for a reason that is the deployment's. */
    void failed(HealthCheck check) {
        failures.incrementAndGet();
        checks.add(check);
    }

    /** A check that is neither a counted success nor a failure: an active probe, or a call the upstream rejected. */
    void checked(HealthCheck check) {
        checks.add(check);
    }

    int inFlight() {
        return inFlight.get();
    }

    LatencyEwma latency() {
        return latency;
    }

    long requests() {
        return requests.get();
    }

    long failures() {
        return failures.get();
    }

    List<HealthCheck> recentChecks() {
        return checks.newestFirst();
    }

    /** Share of successful checks among the kept ones, in [0, 100]; 100 when there is none. */
    static double uptimePercent(List<HealthCheck> checks) {
        if (checks.isEmpty()) {
            return 100;
        }
        long ok = checks.stream().filter(HealthCheck::ok).count();
        return ok * 100.0 / checks.size();
    }

    /** The health state by the rule in the class comment, from {@code newestFirst} checks. */
    HealthState state(BreakerState breaker, List<HealthCheck> newestFirst) {
        if (breaker == BreakerState.OPEN) {
            return HealthState.UNHEALTHY;
        }
        if (newestFirst.isEmpty()) {
            return HealthState.UNKNOWN;
        }
        HealthCheck newest = newestFirst.getFirst();
        if (!newest.ok() && newest.source().equals(PROBE)) {
            return HealthState.UNHEALTHY;
        }
        if (newestFirst.size() >= FAILED_IN_A_ROW
                && newestFirst.subList(0, FAILED_IN_A_ROW).stream().noneMatch(HealthCheck::ok)) {
            return HealthState.UNHEALTHY;
        }
        if (breaker == BreakerState.HALF_OPEN) {
            return HealthState.DEGRADED;
        }
        boolean troubled = newestFirst.subList(0, Math.min(RECENT, newestFirst.size())).stream()
                .anyMatch(c -> !c.ok() || c.latency().compareTo(slowCall) > 0);
        return troubled ? HealthState.DEGRADED : HealthState.HEALTHY;
    }
}
