package dev.baton.gateway.routing;

import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.HealthCheck;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.provider.Provider;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The run-time state of one deployment: its enabled switch, circuit breaker, token buckets and health. Shared by
 * every call routed to it; lock-free and thread-safe.
 */
final class DeploymentState {

    /** Why {@link #admit} refused, or the admitted attempt. */
    sealed interface Admission {
        /** Admitted: the caller must end {@code attempt} exactly once. */
        record Admitted(Attempt attempt) implements Admission {}

        /** The breaker is open (or half-open with its probe calls taken). */
        record BreakerOpen() implements Admission {}

        /** A token bucket is empty for {@code retryIn}; {@code limit} is {@code RPM} or {@code TPM}. */
        record Limited(Duration retryIn, String limit) implements Admission {}
    }

    private final String alias;
    private final Deployment deployment;
    private final Provider provider;
    private final InstantSource clock;
    private final AtomicBoolean enabled;
    private final Breaker breaker;
    private final RateLimit limit;
    private final DeploymentHealth health;

    DeploymentState(String alias, Deployment deployment, Provider provider, InstantSource clock,
                    BucketStore buckets) {
        this.alias = Objects.requireNonNull(alias, "alias");
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.clock = clock;
        this.enabled = new AtomicBoolean(deployment.enabled());
        this.breaker = Breaker.of(deployment.id(), deployment.breaker(), clock);
        this.limit = RateLimit.of("deployment/" + deployment.id(), deployment.limits(), buckets);
        this.health = new DeploymentHealth(deployment.breaker().slowCallDuration());
    }

    String id() {
        return deployment.id();
    }

    String alias() {
        return alias;
    }

    Deployment deployment() {
        return deployment;
    }

    Provider provider() {
        return provider;
    }

    Breaker breaker() {
        return breaker;
    }

    DeploymentHealth health() {
        return health;
    }

    boolean enabled() {
        return enabled.get();
    }

    void setEnabled(boolean on) {
        enabled.set(on);
    }

    /**
     * Asks the breaker, then the deployment's RPM and TPM buckets, for one call of {@code estimatedTokens}. A
     * refusal leaves nothing taken.
     *
     * @throws dev.baton.core.error.BatonException {@code STORE_UNAVAILABLE} when the buckets are shared and
     *         cannot be reached (the breaker's permission is given back)
     */
    Admission admit(long estimatedTokens) {
        if (!breaker.tryAcquire()) {
            return new Admission.BreakerOpen();
        }
        RateLimit.Admission admission;
        try {
            admission = limit.tryAdmit(estimatedTokens);
        } catch (RuntimeException e) {
            breaker.release();
            throw e;
        }
        return switch (admission) {
            case RateLimit.Admission.Granted granted -> {
                var attempt = new Attempt(this, granted.permit(), clock);
                health.started(attempt.started());
                yield new Admission.Admitted(attempt);
            }
            case RateLimit.Admission.Refused refused -> {
                breaker.release();
                yield new Admission.Limited(refused.retryIn(), refused.limit());
            }
        };
    }

    /** Records an active probe's result. */
    void probed(boolean ok, Duration took, String error) {
        health.checked(new HealthCheck(clock.instant(), DeploymentHealth.PROBE, ok, took, error));
    }

    /** The operator's view now. */
    DeploymentStatus status() {
        List<HealthCheck> checks = health.recentChecks();
        var breakerState = breaker.state();
        return new DeploymentStatus(deployment.id(), alias, deployment.provider(), deployment.upstreamModel(),
                enabled(), breakerState, health.state(breakerState, checks), DeploymentHealth.uptimePercent(checks),
                health.inFlight(), health.latency().millis(), health.requests(), health.failures(), checks);
    }
}
