package dev.baton.gateway.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sleeper that records each requested wait and moves the clock on by it instead of sleeping. */
final class RecordingSleeper implements Sleeper {
    private final ManualClock clock;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    RecordingSleeper(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        waits.add(duration);
        clock.advance(duration);
    }

    List<Duration> waits() {
        return List.copyOf(waits);
    }
}
