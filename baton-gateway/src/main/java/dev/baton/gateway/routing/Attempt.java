package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.admin.HealthCheck;
import dev.baton.gateway.api.Usage;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted call to one deployment, holding its breaker permission, its token-bucket permit and its place
 * in flight. Ended exactly once by {@link #succeeded}, {@link #failed} or {@link #neutral}; later calls are
 * ignored, so an error path cannot release twice.
 */
final class Attempt {
    private final DeploymentState deployment;
    private final RateLimit.Permit permit;
    private final InstantSource clock;
    private final Instant started;
    private final AtomicBoolean ended = new AtomicBoolean();

    Attempt(DeploymentState deployment, RateLimit.Permit permit, InstantSource clock) {
        this.deployment = deployment;
        this.permit = permit;
        this.clock = clock;
        this.started = clock.instant();
    }

    DeploymentState deployment() {
        return deployment;
    }

    Instant started() {
        return started;
    }

    /** Time since the attempt started. */
    Duration elapsed() {
        return Duration.between(started, clock.instant());
    }

    /**
     * The upstream answered. {@code took} is what the breaker's slow-call rule and the latency EWMA see: the whole
     * attempt for a non-streamed call, the time to the first chunk for a stream.
     */
    void succeeded(Usage usage, Duration took) {
        if (end()) {
            permit.settle(usage.totalTokens());
            deployment.breaker().succeeded(took);
            deployment.health().succeeded(new HealthCheck(clock.instant(), DeploymentHealth.TRAFFIC, true, took, null),
                    took);
        }
    }

    /** The deployment failed ({@code UPSTREAM_UNAVAILABLE}, {@code TIMEOUT}, 429, invalid response). */
    void failed(BatonException error) {
        if (end()) {
            Duration took = elapsed();
            permit.refund();
            deployment.breaker().failed(took, error);
            deployment.health().failed(new HealthCheck(clock.instant(), DeploymentHealth.TRAFFIC, false, took,
                    error.code().code()));
        }
    }

    /**
     * The attempt ended in a way that says nothing bad about the deployment: an upstream 4xx (the request's
     * fault; recorded as a working check), a cancelled call or a failing caller (no check recorded). The breaker
     * permission is released, unused tokens go back.
     *
     * @param answered whether the upstream answered (a 4xx) rather than the call being abandoned
     */
    void neutral(boolean answered) {
        if (end()) {
            Duration took = elapsed();
            permit.refund();
            deployment.breaker().release();
            if (answered) {
                deployment.health().checked(new HealthCheck(clock.instant(), DeploymentHealth.TRAFFIC, true, took,
                        null));
            }
        }
    }

    private boolean end() {
        if (ended.compareAndSet(false, true)) {
            deployment.health().ended();
            return true;
        }
        return false;
    }
}
