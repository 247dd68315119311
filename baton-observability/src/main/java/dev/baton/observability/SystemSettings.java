package dev.baton.observability;

import dev.baton.core.workflow.DurationFormat;
import dev.baton.gateway.config.ConfigTree;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Host monitoring ({@code observability.system}): a sample of the host and the JVM every {@code interval}, kept
 * for {@code history} (the window of {@code GET /api/v1/system/history} and of the summaries).
 *
 * <pre>{@code
 * observability:
 *   system:
 *     enabled: true     # false: no sampling, no host alert rules
 *     interval: 10s     # 1s..1h
 *     history: 1h       # at least one interval, at most 7d and 100000 samples
 * }</pre>
 *
 * @param enabled  whether the node samples the host
 * @param interval time between two samples
 * @param history  how long samples are kept
 */
public record SystemSettings(boolean enabled, Duration interval, Duration history) {
    /** Shortest sampling interval. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** Longest sampling interval. */
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    /** Longest history. */
    public static final Duration MAX_HISTORY = Duration.ofDays(7);
    /** Most samples a history may hold ({@code history / interval}). */
    public static final long MAX_SAMPLES = 100_000;

    /** On, every 10 seconds, one hour of history (360 samples). */
    public static final SystemSettings DEFAULT = new SystemSettings(true, Duration.ofSeconds(10),
            Duration.ofHours(1));

    public SystemSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(history, "history");
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("interval must be between 1s and 1h, got "
                    + DurationFormat.format(interval));
        }
        if (history.compareTo(interval) < 0 || history.compareTo(MAX_HISTORY) > 0) {
            throw new IllegalArgumentException("history must be between the interval ("
                    + DurationFormat.format(interval) + ") and 7d, got " + DurationFormat.format(history));
        }
        if (history.toMillis() / interval.toMillis() > MAX_SAMPLES) {
            throw new IllegalArgumentException("history / interval must be at most " + MAX_SAMPLES
                    + " samples, got " + history.toMillis() / interval.toMillis());
        }
    }

    /** How many samples the history holds at most: {@code history / interval}, plus one for the boundary. */
    public int capacity() {
        return (int) (history.toMillis() / interval.toMillis()) + 1;
    }

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static SystemSettings read(ConfigTree tree) {
        tree.fields(Set.of("enabled", "interval", "history"));
        boolean enabled = tree.get("enabled").bool(DEFAULT.enabled());
        ConfigTree intervalTree = tree.get("interval");
        Duration interval = intervalTree.duration(DEFAULT.interval());
        intervalTree.build(t -> new SystemSettings(enabled, interval, interval)); // the interval's own bounds
        Duration history = tree.get("history").duration(DEFAULT.history());
        return tree.get("history").build(t -> new SystemSettings(enabled, interval, history));
    }
}
