package dev.baton.gateway.routing;

import dev.baton.gateway.config.RateLimits;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.time.InstantSource;

/**
 * Requests-per-minute and tokens-per-minute buckets of one deployment or one caller.
 *
 * <p>Admission takes one request and the call's estimated tokens (see {@link TokenEstimate}); when the call ends
 * the {@link Permit} is settled against the real usage (refund or extra charge), or its tokens are given back
 * when the call failed without usage. Requests are never given back: the upstream saw them. Thread-safe.
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

    /** Buckets for {@code limits} reading time from {@code clock}. */
    static RateLimit of(RateLimits limits, InstantSource clock) {
        TimeMeter time = timeMeter(clock);
        return new RateLimit(limits, TokenBucket.perMinute(limits.requestsPerMinute(), time),
                TokenBucket.perMinute(limits.tokensPerMinute(), time));
    }

    /** Bucket4j's view of an {@link InstantSource}: wall-clock nanoseconds since the epoch. */
    static TimeMeter timeMeter(InstantSource clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                var now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    RateLimits limits() {
        return limits;
    }

    /** Takes one request and {@code estimatedTokens} tokens, or neither. */
    Admission tryAdmit(long estimatedTokens) {
        TokenBucket.Take request = requests.tryTake(1);
        if (!request.granted()) {
            return new Admission.Refused(request.retryIn(), "RPM");
        }
        TokenBucket.Take taken = tokens.tryTake(estimatedTokens);
        if (!taken.granted()) {
            requests.giveBack(request.tokens());
            return new Admission.Refused(taken.retryIn(), "TPM");
        }
        return new Admission.Granted(new Permit(taken.tokens()));
    }
}
