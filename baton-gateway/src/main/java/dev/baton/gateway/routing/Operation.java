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

    /**
     * The tokens a failed call consumed anyway, charged to the caller's token rate instead of refunding it: a
     * stream cut after chunks reached the caller was generated upstream (estimated from the prompt and the
     * characters delivered). {@link Usage#ZERO} (the default): nothing delivered, everything is refunded.
     */
    default Usage consumedOnFailure() {
        return Usage.ZERO;
    }

    /** The caller's own failure during the last attempt (e.g. its stream sink threw), or {@code null}. */
    default RuntimeException callerFailure() {
        return null;
    }
}
