package dev.baton.observability.system;

import java.time.Instant;
import java.util.Objects;

/**
 * One sample of the host kept in the history: a {@link HostReading} with its time and the rates derived from the
 * previous sample's counters ({@code NaN} for the first sample, and after a counter went backwards: an interface
 * went away, a counter wrapped).
 *
 * @param at                     when it was taken, by the monitor's clock
 * @param host                   the reading
 * @param networkReceivedPerSecond bytes received per second since the previous sample
 * @param networkSentPerSecond   bytes sent per second since the previous sample
 * @param gcTimeRatio            share of wall time spent in garbage collection since the previous sample, 0..1
 */
public record SystemSample(Instant at, HostReading host, double networkReceivedPerSecond,
                           double networkSentPerSecond, double gcTimeRatio) {
    public SystemSample {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(host, "host");
    }

    /** The value of {@code metric} in this sample ({@code NaN} when unknown). */
    public double value(SystemMetric metric) {
        return metric.of(this);
    }
}
