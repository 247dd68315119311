package dev.baton.gateway.routing;

import dev.baton.gateway.api.Usage;

import java.time.Duration;
import java.util.function.Function;

/**
 * What one routed call does on each attempt, so chat, stream and embeddings share one retry and failover loop.
 *
 * @param <T> the provider's result type
 */
interface Operation<T> {

    /** A non-streamed operation: {@code call} makes the attempt, {@code usage} reads the result's tokens. */
    static <T> Operation<T> of(Function<DeploymentState, T> call, Function<T, Usage> usage) {
        return new Operation<>() {
            @Override
            public T call(DeploymentState deployment) {
                return call.apply(deployment);
            }

            @Override
            public Usage usage(T result) {
                return usage.apply(result);
            }
        };
    }

    /** Makes one attempt on {@code deployment} (the request already carries its upstream model name). */
    T call(DeploymentState deployment);

    /** The tokens the result used. */
    Usage usage(T result);

    /** The duration the breaker's slow-call rule and the latency EWMA see for a successful {@code attempt}. */
    default Duration measured(Attempt attempt) {
        return attempt.elapsed();
    }

    /** Whether output already reached the caller, so a failure can no longer be retried invisibly. */
    default boolean committed() {
        return false;
    }

    /** The caller's own failure during the last attempt (e.g. its stream sink threw), or {@code null}. */
    default RuntimeException callerFailure() {
        return null;
    }
}
