package dev.baton.core.engine.internal;

import dev.baton.core.run.JournalEntry;

import java.util.List;

/**
 * Starts of dependent steps journaled together with the {@code AttemptFinished} of the step they depend on (one
 * atomic append: a crash never sees a dependent started without its dependency finished). Prepared by
 * {@link RunCoordinator}, handed to the finished step's {@link StepRunner}, which appends {@link #entries()} and
 * then calls {@link #activate()} or {@link #discard()}.
 *
 * <p>Thread-safety: not thread-safe; confined to the run's {@link Mailbox}.
 */
final class Prestarts {
    static final Prestarts NONE = new Prestarts(null, List.of(), List.of());

    private final RunCoordinator coordinator;
    private final List<StepGraph.Slot> slots;
    private final List<JournalEntry> entries;

    Prestarts(RunCoordinator coordinator, List<StepGraph.Slot> slots, List<JournalEntry> entries) {
        this.coordinator = coordinator;
        this.slots = slots;
        this.entries = List.copyOf(entries);
    }

    List<JournalEntry> entries() {
        return entries;
    }

    /** The append is durable: the dependents are started (call before the finished step is reported). */
    void activate() {
        if (!slots.isEmpty()) {
            coordinator.activatePrestarted(slots);
        }
    }

    /** The append failed: nothing of it is durable; the dependents start the usual way, if at all. */
    void discard() {
        slots.forEach(slot -> slot.prestart = null);
    }
}
