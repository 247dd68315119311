package dev.baton.gateway.limits;

import io.github.bucket4j.TimeMeter;

import java.time.InstantSource;
import java.util.Objects;

/**
 * Bucket4j's view of an {@link InstantSource}: wall-clock nanoseconds since the epoch. Local buckets and the
 * client side of remote buckets read time through it, so tests advance an injected clock instead of sleeping.
 *
 * @param clock the source of time
 */
public record InstantTimeMeter(InstantSource clock) implements TimeMeter {

    public InstantTimeMeter {
        Objects.requireNonNull(clock, "clock");
    }

    @Override
    public long currentTimeNanos() {
        var now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
