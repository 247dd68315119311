package dev.baton.core.security;

import java.util.function.Supplier;

/**
 * The claim protocol every {@link RunSlots} implementation follows: try to claim; when a scope is full and
 * {@link RunSlots.Liveness#mayReclaim} allows it, release that scope's slots whose runs are over (lost releases)
 * and try once more. Stateless.
 */
public final class SlotReclaim {
    private SlotReclaim() {
    }

    /**
     * Runs the protocol.
     *
     * @param slots    the slots whose {@link RunSlots#slots} and {@link RunSlots#release} are used to reclaim
     * @param liveness which slots are over, and whether a full scope may be searched now
     * @param attempt  one all-or-none claim: the first full scope, or {@code null} when everything was claimed
     * @throws dev.baton.core.error.BatonException QUOTA_EXCEEDED ({@link RunSlots.Scope#exceeded()}) when a scope
     *         is still full
     */
    public static void claim(RunSlots slots, RunSlots.Liveness liveness, Supplier<RunSlots.Scope> attempt) {
        RunSlots.Scope full = attempt.get();
        if (full == null) {
            return;
        }
        if (!liveness.mayReclaim(full)) {
            throw full.exceeded();
        }
        for (RunSlots.Slot slot : slots.slots(full.id())) {
            if (liveness.isOver(slot)) {
                slots.release(slot.holder());
            }
        }
        full = attempt.get();
        if (full != null) {
            throw full.exceeded();
        }
    }
}
