package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The retry, failover and fallback loop of one routed call.
 *
 * <p>For the requested alias and then its fallback chain (breadth first: the alias's own fallbacks in order,
 * then theirs; an alias already tried is skipped, so cycles end), each alias gets up to
 * {@code retry.maxAttempts} attempts:
 * <ol>
 *   <li>the balancer ranks the enabled deployments; deployments that already failed during this call move to
 *       the end, oldest failure first, so a retry goes to another deployment while one remains;</li>
 *   <li>the first deployment in that order whose breaker permits a call and whose RPM/TPM buckets have room gets
 *       the attempt; when none does, the alias is unavailable for this call (its error says whether buckets or
 *       breakers refused) and the next alias is tried;</li>
 *   <li>a retriable failure ({@code UPSTREAM_UNAVAILABLE}, {@code TIMEOUT}, an upstream 429,
 *       {@code UPSTREAM_INVALID_RESPONSE}, {@code NOT_READY}) is followed by a {@link Backoff} wait, except
 *       before the first attempt of a fallback alias (another model, usually another upstream);</li>
 *   <li>{@code UPSTREAM_REJECTED} (a 4xx other than 408/429), {@code CANCELLED} and every other error end the
 *       call at once, unchanged; so does a failure of the caller's own stream sink;</li>
 *   <li>a stream that failed after a chunk reached the caller ends the call with {@code UPSTREAM_UNAVAILABLE}
 *       "stream cut after the first token".</li>
 * </ol>
 * When everything is spent, the last upstream error is thrown with a message naming the attempts and aliases;
 * when no attempt could be made at all, {@code RATE_LIMITED} with the shortest refill wait if a bucket refused,
 * else {@code UPSTREAM_UNAVAILABLE}. An interrupt ends the call with {@code CANCELLED}.
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class Failover {

    /**
     * A successful routed call.
     *
     * @param result     the provider's result
     * @param deployment the deployment that answered
     * @param alias      the alias it belongs to
     * @param attempts   upstream attempts made, the successful one included
     * @param started    when the call started
     */
    record Routed<T>(T result, DeploymentState deployment, String alias, int attempts, Instant started) {}

    private final Function<String, Route> routes;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Sleeper sleeper;
    private final InstantSource clock;

    Failover(Map<String, Route> routes, Backoff backoff, Sleeper sleeper, InstantSource clock) {
        this.routes = routes::get;
        this.backoff = backoff;
        this.maxAttempts = backoff.settings().maxAttempts();
        this.sleeper = sleeper;
        this.clock = clock;
    }

    <T> Routed<T> run(Route requested, long estimatedTokens, Operation<T> operation) {
        Instant started = clock.instant();
        var tried = new ArrayList<String>();
        var usedDeployments = new LinkedHashSet<String>();
        var refusals = new ArrayList<BatonException>();
        BatonException lastUpstream = null;
        int attempts = 0;
        for (Route route : chain(requested)) {
            tried.add(route.name());
            var failedHere = new ArrayList<DeploymentState>();
            BatonException lastHere = null;
            for (int n = 0; n < maxAttempts; n++) {
                if (n > 0) {
                    // A Retry-After speaks for the deployment that sent it: honour it only when no other
                    // deployment of this alias is left untried, else back off as usual and go elsewhere.
                    boolean othersLeft = failedHere.size() < route.deployments().size();
                    pause(backoff.delay(n, othersLeft ? Optional.empty() : lastHere.retryAfter()));
                }
                cancelIfInterrupted();
                var admission = admit(route, failedHere, estimatedTokens);
                if (admission instanceof Refusal refusal) {
                    refusals.add(refusal.error());
                    break;
                }
                Attempt attempt = ((Admitted) admission).attempt();
                DeploymentState deployment = attempt.deployment();
                attempts++;
                usedDeployments.add(deployment.id());
                try {
                    T result = operation.call(deployment);
                    attempt.succeeded(operation.usage(result), operation.measured(attempt));
                    return new Routed<>(result, deployment, route.name(), attempts, started);
                } catch (RuntimeException e) {
                    lastHere = retriable(attempt, e, operation);
                    lastUpstream = lastHere;
                    failedHere.remove(deployment);
                    failedHere.add(deployment);
                } catch (Error e) {
                    // Release what the attempt holds (in-flight count, tokens, a half-open breaker permit).
                    attempt.neutral(false);
                    throw e;
                }
            }
        }
        if (lastUpstream != null) {
            throw exhausted(requested, lastUpstream, attempts, tried, usedDeployments);
        }
        throw unavailable(refusals);
    }

    /**
     * Ends a failed attempt: records it against the deployment when the failure is the deployment's, then either
     * returns the error (worth another attempt) or throws what the caller must see now.
     */
    private static BatonException retriable(Attempt attempt, RuntimeException thrown, Operation<?> operation) {
        RuntimeException callerFailure = operation.callerFailure();
        if (callerFailure != null) {
            attempt.neutral(false);
            throw callerFailure;
        }
        String id = attempt.deployment().id();
        if (!(thrown instanceof BatonException error)) {
            attempt.neutral(false);
            throw new BatonException(ErrorCode.INTERNAL, "provider " + attempt.deployment().deployment().provider()
                    + " failed unexpectedly on deployment " + id + ": " + thrown, thrown);
        }
        switch (verdict(error)) {
            case FAIL_OVER -> attempt.failed(error);
            case REJECTED -> {
                attempt.neutral(true);
                throw error;
            }
            case FATAL -> {
                attempt.neutral(false);
                throw error;
            }
        }
        if (operation.committed()) {
            throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "stream cut after the first token: deployment "
                    + id + " failed: " + error.getMessage(), error);
        }
        return error;
    }

    /** The requested alias and its fallbacks, breadth first, each alias once. */
    List<Route> chain(Route requested) {
        var order = new ArrayList<Route>();
        var seen = new LinkedHashSet<String>();
        var queue = new ArrayDeque<Route>();
        queue.add(requested);
        seen.add(requested.name());
        while (!queue.isEmpty()) {
            Route route = queue.poll();
            order.add(route);
            for (String fallback : route.alias().fallbacks()) {
                Route next = routes.apply(fallback);
                if (next != null && seen.add(fallback)) {
                    queue.add(next);
                }
            }
        }
        return order;
    }

    private sealed interface Admission {}

    private record Admitted(Attempt attempt) implements Admission {}

    private record Refusal(BatonException error) implements Admission {}

    private Admission admit(Route route, List<DeploymentState> failedHere, long estimatedTokens) {
        List<DeploymentState> ranked = route.ranked();
        if (ranked.isEmpty()) {
            return new Refusal(new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    "model '" + route.name() + "' has no enabled deployment"));
        }
        var order = new ArrayList<DeploymentState>(ranked.size());
        for (DeploymentState d : ranked) {
            if (!failedHere.contains(d)) {
                order.add(d);
            }
        }
        for (DeploymentState d : failedHere) {
            if (ranked.contains(d)) {
                order.add(d);
            }
        }
        Duration shortestWait = null;
        var refused = new ArrayList<String>();
        for (DeploymentState d : order) {
            switch (d.admit(estimatedTokens)) {
                case DeploymentState.Admission.Admitted admitted -> {
                    return new Admitted(admitted.attempt());
                }
                case DeploymentState.Admission.BreakerOpen open -> refused.add(d.id() + ": circuit breaker open");
                case DeploymentState.Admission.Limited limited -> {
                    refused.add(d.id() + ": " + limited.limit() + " limit");
                    if (shortestWait == null || limited.retryIn().compareTo(shortestWait) < 0) {
                        shortestWait = limited.retryIn();
                    }
                }
            }
        }
        String message = "model '" + route.name() + "': no deployment can take the call now ("
                + String.join(", ", refused) + ")";
        if (shortestWait != null) {
            return new Refusal(BatonException.rateLimited(message + "; retry in " + CallerLimits.seconds(shortestWait),
                    shortestWait));
        }
        return new Refusal(new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, message));
    }

    private enum Verdict { FAIL_OVER, REJECTED, FATAL }

    private static Verdict verdict(BatonException error) {
        return switch (error.code()) {
            case UPSTREAM_UNAVAILABLE, TIMEOUT, RATE_LIMITED, UPSTREAM_INVALID_RESPONSE, NOT_READY -> Verdict.FAIL_OVER;
            case UPSTREAM_REJECTED -> Verdict.REJECTED;
            default -> Verdict.FATAL;
        };
    }

    private void pause(Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled();
        }
    }

    private static void cancelIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw cancelled();
        }
    }

    private static BatonException cancelled() {
        return new BatonException(ErrorCode.CANCELLED, "gateway call cancelled: the calling thread was interrupted");
    }

    private static BatonException exhausted(Route requested, BatonException last, int attempts, List<String> aliases,
                                            LinkedHashSet<String> deployments) {
        String message = "model '" + requested.name() + "': " + attempts + (attempts == 1 ? " attempt" : " attempts")
                + " failed (models tried: " + String.join(", ", aliases) + "; deployments: "
                + String.join(", ", deployments) + "); last error: " + last.getMessage();
        return new BatonException(last.code(), message, last.retriable(), last.errors(), last,
                last.retryAfter().orElse(null));
    }

    private static BatonException unavailable(List<BatonException> refusals) {
        Optional<BatonException> limited = refusals.stream()
                .filter(e -> e.code() == ErrorCode.RATE_LIMITED)
                .min((a, b) -> a.retryAfter().orElseThrow().compareTo(b.retryAfter().orElseThrow()));
        if (limited.isPresent()) {
            BatonException shortest = limited.get();
            String message = refusals.size() == 1 ? shortest.getMessage()
                    : String.join("; ", refusals.stream().map(Throwable::getMessage).toList());
            return BatonException.rateLimited(message, shortest.retryAfter().orElseThrow());
        }
        return refusals.size() == 1 ? refusals.getFirst() : new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE,
                String.join("; ", refusals.stream().map(Throwable::getMessage).toList()));
    }
}
