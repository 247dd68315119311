package dev.baton.core.security;

import java.time.InstantSource;

/** The run slots contract in memory. */
class InMemoryRunSlotsTest extends RunSlotsContract {
    @Override
    protected RunSlots emptySlots() {
        return new InMemoryRunSlots(InstantSource.system());
    }
}
