package dev.baton.core.run;

import java.util.Objects;

/**
 * A journal entry as stored, with its position in the run's event sequence (1, 2, ...), so that a client
 * following a run can resume from the last event it saw ({@code Last-Event-ID}).
 *
 * @param sequence 1-based position within the run
 * @param entry    the state change
 */
public record RunEvent(long sequence, JournalEntry entry) {
    public RunEvent {
        Objects.requireNonNull(entry, "entry");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
        }
    }
}
