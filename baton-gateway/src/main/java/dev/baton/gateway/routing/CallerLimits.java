package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.RateLimits;

import dev.baton.gateway.limits.BucketStore;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-caller token buckets that protect the budget: each configured API key has its own RPM/TPM buckets
 * ({@link ClientKey#limits()}); every other principal, {@code anonymous} included (also internal callers that are
 * not a key), shares one pair of buckets with {@link GatewayConfig#anonymous()}'s limits. Callers over a limit
 * get {@code RATE_LIMITED} (HTTP 429) with {@code retryAfter} set to the bucket's refill time. Thread-safe.
 */
final class CallerLimits {
    private final Map<String, RateLimit> byKey;
    private final RateLimit anonymous;

    CallerLimits(GatewayConfig config, BucketStore buckets) {
        var keys = new HashMap<String, RateLimit>();
        for (ClientKey key : config.keys()) {
            keys.put(key.id(), RateLimit.of("key/" + key.id(), key.limits(), buckets));
        }
        this.byKey = Map.copyOf(keys);
        this.anonymous = RateLimit.of(CallContext.ANONYMOUS, config.anonymous(), buckets);
    }

    /**
     * Admits one call of {@code estimatedTokens} for {@code principal}.
     *
     * @throws BatonException {@code RATE_LIMITED} with {@code retryAfter} when its RPM or TPM bucket is empty;
     *                        {@code STORE_UNAVAILABLE} when its buckets are shared and cannot be reached
     */
    RateLimit.Permit admit(String principal, long estimatedTokens) {
        RateLimit limit = byKey.get(principal);
        String who = limit != null ? "API key '" + principal + "'"
                : "callers without an API key (" + CallContext.ANONYMOUS + " and internal)";
        if (limit == null) {
            limit = anonymous;
        }
        return switch (limit.tryAdmit(estimatedTokens)) {
            case RateLimit.Admission.Granted granted -> granted.permit();
            case RateLimit.Admission.Refused refused -> throw BatonException.rateLimited(
                    who + " exceeded " + describe(limit.limits(), refused.limit()) + "; retry in "
                            + seconds(refused.retryIn()), refused.retryIn());
        };
    }

    private static String describe(RateLimits limits, String which) {
        return which.equals("RPM") ? "its limit of " + limits.requestsPerMinute() + " requests per minute"
                : "its limit of " + limits.tokensPerMinute() + " tokens per minute";
    }

    static String seconds(Duration wait) {
        return String.format(Locale.ROOT, "%.1f s", wait.toNanos() / 1e9);
    }
}
