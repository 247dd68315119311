package dev.baton.core.cluster;

import java.util.Objects;
import java.util.Set;

/**
 * A wake-up sent between the nodes of a cluster through {@link ClusterSignals}. Signals only say "look now"; what
 * happened is always read from the store, so a lost signal costs latency (until the next poll), never
 * correctness.
 */
public sealed interface ClusterSignal {

    /** New work may be claimable: a run was started without an owner, or runs were released. */
    record WorkAvailable() implements ClusterSignal {
    }

    /**
     * Journal entries of these runs became durable (events to deliver; a run may have finished).
     *
     * @param runIds the runs; empty means "any run" (the sender had too many to name)
     */
    record RunsChanged(Set<String> runIds) implements ClusterSignal {
        public RunsChanged {
            runIds = Set.copyOf(Objects.requireNonNull(runIds, "runIds"));
        }
    }

    /**
     * A cancel of this run was journaled by a node that may not own it; its owner should stop it.
     *
     * @param reason the cancel reason, may be {@code null}
     */
    record CancelRequested(String runId, String reason) implements ClusterSignal {
        public CancelRequested {
            Objects.requireNonNull(runId, "runId");
        }
    }
}
