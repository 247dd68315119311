package dev.baton.core.cluster;

import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.RunStore;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** The run lease contract on the in-memory store, with a clock the test moves. */
class InMemoryRunLeasesTest extends RunLeasesContract {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T12:00:00Z"));

    @Override
    protected RunStore emptyStore() {
        InstantSource clock = now::get;
        return new InMemoryRunStore(clock);
    }

    @Override
    protected RunLeases leasesOf(RunStore store) {
        return ((InMemoryRunStore) store).leases();
    }

    @Override
    protected void passTime(Duration amount) {
        now.updateAndGet(t -> t.plus(amount));
    }
}
