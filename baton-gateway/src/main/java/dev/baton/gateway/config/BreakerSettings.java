package dev.baton.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A deployment's circuit breaker (Resilience4j's count-based sliding window). On by default.
 *
 * @param enabled              whether the breaker is used at all
 * @param failureRateThreshold percentage (0, 100] of failed calls in the window that opens the breaker
 * @param slowCallRateThreshold percentage (0, 100] of slow calls in the window that opens the breaker
 * @param slowCallDuration     a call slower than this counts as slow
 * @param windowSize           calls in the sliding window (≥ 1)
 * @param minimumCalls         calls needed before the rates are evaluated (≥ 1)
 * @param openDuration         how long the breaker stays open before letting probe calls through
 * @param halfOpenCalls        calls permitted while half-open (≥ 1)
 */
public record BreakerSettings(boolean enabled, float failureRateThreshold, float slowCallRateThreshold,
                              Duration slowCallDuration, int windowSize, int minimumCalls, Duration openDuration,
                              int halfOpenCalls) {

    /** 50 % failures or 80 % slow calls (&gt; 30 s) over the last 20 calls (at least 10) opens it for 30 s. */
    public static final BreakerSettings DEFAULT = new BreakerSettings(true, 50, 80, Duration.ofSeconds(30), 20, 10,
            Duration.ofSeconds(30), 3);

    public BreakerSettings {
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)
                || !(slowCallRateThreshold > 0 && slowCallRateThreshold <= 100)) {
            throw new IllegalArgumentException("breaker thresholds must be in (0, 100]");
        }
        Objects.requireNonNull(slowCallDuration, "slowCallDuration");
        Objects.requireNonNull(openDuration, "openDuration");
        if (windowSize < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
            throw new IllegalArgumentException("breaker windowSize, minimumCalls and halfOpenCalls must be ≥ 1");
        }
    }
}
