package dev.baton.core.store;

import dev.baton.core.error.BatonException;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Which runs a {@link RunAnalytics} question is about: the runs <em>created</em> in {@code [from, to)}, and either
 * only top-level runs (the default) or child runs too.
 *
 * <p>Runs are placed in a window by {@link dev.baton.core.run.Run#createdAt()} because it is always set, never
 * changes and is indexed: a run stays in the same window for its whole life, and runs still queued or running
 * show up in their current status. Child runs (of {@code workflow} steps and of {@code map} steps over a
 * sub-workflow) are left out by default: a map over a thousand items would otherwise count a thousand runs for
 * one request.
 *
 * @param from      inclusive lower bound of the runs' creation time
 * @param to        exclusive upper bound; after {@code from}
 * @param childRuns whether child runs count too (else only runs without a parent run)
 */
public record AnalyticsWindow(Instant from, Instant to, boolean childRuns) {
    public AnalyticsWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw BatonException.invalidInput("to", "must be after from (" + from + "), got " + to);
        }
    }

    /** Top-level runs created in {@code [from, to)}. */
    public static AnalyticsWindow of(Instant from, Instant to) {
        return new AnalyticsWindow(from, to, false);
    }

    /** Whether {@code at} lies in {@code [from, to)}. */
    public boolean contains(Instant at) {
        return !at.isBefore(from) && at.isBefore(to);
    }

    /** The window's length. */
    public Duration length() {
        return Duration.between(from, to);
    }
}
