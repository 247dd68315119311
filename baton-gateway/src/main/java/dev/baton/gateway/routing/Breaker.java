package dev.baton.gateway.routing;

import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.config.BreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * A deployment's circuit breaker: Resilience4j's count-based state machine, or nothing when the deployment's
 * breaker is switched off.
 *
 * <p>The router reports each attempt's outcome itself (it does not decorate calls): {@link #tryAcquire()} before
 * the attempt, then exactly one of {@link #succeeded}, {@link #failed} or {@link #release()}. Only failures that
 * are the deployment's count ({@code UPSTREAM_UNAVAILABLE}, {@code TIMEOUT}, an upstream 429,
 * {@code UPSTREAM_INVALID_RESPONSE}); an upstream 4xx, a cancelled call or a caller whose stream sink failed
 * {@linkplain #release() releases} the permission without recording anything, like Resilience4j's ignored
 * exceptions: a client sending bad requests must not open the breaker of a healthy deployment, nor close a
 * half-open one.
 *
 * <p>Time: the state machine reads the router's {@link InstantSource} (Resilience4j 2.x
 * {@code CircuitBreakerConfig.Builder#clock} for the open-state wait and {@code currentTimestampFunction} for call
 * durations); the transition from open to half-open happens on the first {@link #tryAcquire()} after the wait,
 * not on a timer thread, and only once the wait has strictly passed. A {@code minimumCalls} above
 * {@code windowSize} is capped at the window size by Resilience4j. Thread-safe.
 */
sealed interface Breaker {

    /** Logs every state change: WARN when a breaker opens, INFO for the others. */
    Logger LOG = LoggerFactory.getLogger(Breaker.class);

    /** Asks for permission to send one call; {@code false} while open (or half-open with no permit left). */
    boolean tryAcquire();

    /** The permitted call succeeded after {@code took} (slower than the slow-call duration counts as slow). */
    void succeeded(Duration took);

    /** The permitted call failed, for a reason that is the deployment's, after {@code took}. */
    void failed(Duration took, Throwable error);

    /** The permitted call was not made or its outcome says nothing about the deployment. */
    void release();

    /** The current state. */
    BreakerState state();

    /** The breaker {@code settings} describe, for deployment {@code id}. */
    static Breaker of(String id, BreakerSettings settings, InstantSource clock) {
        if (!settings.enabled()) {
            return new Off();
        }
        var config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRateThreshold())
                .slowCallRateThreshold(settings.slowCallRateThreshold())
                .slowCallDurationThreshold(settings.slowCallDuration())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock.withZone(ZoneOffset.UTC))
                .currentTimestampFunction(c -> c.instant().toEpochMilli(), TimeUnit.MILLISECONDS)
                .build();
        CircuitBreaker breaker = CircuitBreaker.of(id, config);
        breaker.getEventPublisher().onStateTransition(event -> {
            var transition = event.getStateTransition();
            if (transition.getToState() == CircuitBreaker.State.OPEN) {
                var metrics = breaker.getMetrics();
                LOG.warn("circuit breaker of deployment {} opened ({} -> OPEN; failure rate {} %, slow-call rate {} %)"
                        + " for {}", id, transition.getFromState(), metrics.getFailureRate(),
                        metrics.getSlowCallRate(), settings.openDuration());
            } else {
                LOG.info("circuit breaker of deployment {}: {} -> {}", id, transition.getFromState(),
                        transition.getToState());
            }
        });
        return new Resilient(breaker);
    }

    /** Resilience4j's state machine. */
    record Resilient(CircuitBreaker breaker) implements Breaker {
        @Override
        public boolean tryAcquire() {
            return breaker.tryAcquirePermission();
        }

        @Override
        public void succeeded(Duration took) {
            breaker.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void failed(Duration took, Throwable error) {
            breaker.onError(took.toNanos(), TimeUnit.NANOSECONDS, error);
        }

        @Override
        public void release() {
            breaker.releasePermission();
        }

        @Override
        public BreakerState state() {
            return switch (breaker.getState()) {
                case CLOSED, METRICS_ONLY -> BreakerState.CLOSED;
                case OPEN, FORCED_OPEN -> BreakerState.OPEN;
                case HALF_OPEN -> BreakerState.HALF_OPEN;
                case DISABLED -> BreakerState.DISABLED;
            };
        }
    }

    /** No breaker: every call is permitted. */
    record Off() implements Breaker {
        @Override
        public boolean tryAcquire() {
            return true;
        }

        @Override
        public void succeeded(Duration took) {
        }

        @Override
        public void failed(Duration took, Throwable error) {
        }

        @Override
        public void release() {
        }

        @Override
        public BreakerState state() {
            return BreakerState.DISABLED;
        }
    }
}
