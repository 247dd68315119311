package dev.baton.gateway.routing;

import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.limits.BucketStore;

import java.time.Duration;

/**
 * Requests-per-minute and tokens-per-minute buckets of one deployment or one caller.
 *
 * <p>Admission takes one request and the call's estimated tokens (see {@link ExpectedTokens}); when the call ends
 * the {@link Permit} is settled against the real usage (refund or extra charge), or its tokens are given back
 * when the call failed without usage. Requests are never given back: the upstream saw them. The buckets come
 * from a {@link BucketStore}: per node, or shared by a cluster. Thread-safe.
 */
final class RateLimit {

    /** The result of {@link #tryAdmit}: a permit, or how long until the limit lets the call through. */
    sealed interface Admission {
        /** Admitted. */
        record Granted(Permit permit) implements Admission {}

        /**
         * Refused.
         *
         * @param retryIn  time until the bucket has refilled enough
         * @param limit which limit refused: {@code "RPM"} or {@code "TPM"}
         */
        record Refused(Duration retryIn, String limit) implements Admission {}
    }

    /** What an admitted call took from the buckets. */
    final class Permit {
        private final long tokensTaken;

        private Permit(long tokensTaken) {
            this.tokensTaken = tokensTaken;
        }

        /** The call used {@code actualTokens} (input + output): refunds or charges the difference. */
        void settle(long actualTokens) {
            tokens.settle(tokensTaken, actualTokens);
        }

        /** The call failed without usage: its estimated tokens go back. */
        void refund() {
            tokens.giveBack(tokensTaken);
        }
    }

    private final RateLimits limits;
    private final TokenBucket requests;
    private final TokenBucket tokens;

    private RateLimit(RateLimits limits, TokenBucket requests, TokenBucket tokens) {
        this.limits = limits;
        this.requests = requests;
        this.tokens = tokens;
    }

    /**
     * The buckets of {@code scope} ({@code key/<id>}, {@code anonymous}, {@code deployment/<id>}) for
     * {@code limits}, from {@code store}, named {@code <scope>/rpm/<limit>} and {@code <scope>/tpm/<limit>}.
     */
    static RateLimit of(String scope, RateLimits limits, BucketStore store) {
        return new RateLimit(limits,
                TokenBucket.perMinute(scope + "/rpm/" + limits.requestsPerMinute(), limits.requestsPerMinute(), store),
                TokenBucket.perMinute(scope + "/tpm/" + limits.tokensPerMinute(), limits.tokensPerMinute(), store));
    }

    RateLimits limits() {
        return limits;
    }

    /**
     * Takes one request and {@code estimatedTokens} tokens, or neither.
     *
     * @throws dev.baton.core.error.BatonException {@code STORE_UNAVAILABLE} when a shared bucket cannot be
     *         reached (nothing stays taken)
     */
    Admission tryAdmit(long estimatedTokens) {
        TokenBucket.Take request = requests.tryTake(1);
        if (!request.granted()) {
            return new Admission.Refused(request.retryIn(), "RPM");
        }
        TokenBucket.Take taken;
        try {
            taken = tokens.tryTake(estimatedTokens);
        } catch (RuntimeException e) {
            requests.giveBack(request.tokens());
            throw e;
        }
        if (!taken.granted()) {
            requests.giveBack(request.tokens());
            return new Admission.Refused(taken.retryIn(), "TPM");
        }
        return new Admission.Granted(new Permit(taken.tokens()));
    }
}
