package dev.baton.observability.system;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every {@link SystemMetric} summarised over a window of the history.
 *
 * @param window  the window asked for
 * @param from    the oldest sample's time, or {@code null} when the window holds none
 * @param to      the newest sample's time, or {@code null}
 * @param samples how many samples the window holds
 * @param metrics one summary per metric, in {@link SystemMetric} order
 */
public record SystemSummary(Duration window, Instant from, Instant to, int samples,
                            Map<SystemMetric, MetricSummary> metrics) {
    public SystemSummary {
        Objects.requireNonNull(window, "window");
        metrics = Collections.unmodifiableMap(new EnumMap<>(metrics));
    }
}
