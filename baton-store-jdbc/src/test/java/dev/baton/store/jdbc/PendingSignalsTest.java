package dev.baton.store.jdbc;

import dev.baton.core.cluster.ClusterSignal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PendingSignalsTest {
    private final PendingSignals pending = new PendingSignals(Duration.ZERO);

    @Test
    void signals_published_before_a_send_coalesce_into_one_batch() throws InterruptedException {
        pending.add(new ClusterSignal.RunsChanged(Set.of("r1")));
        pending.add(new ClusterSignal.WorkAvailable());
        pending.add(new ClusterSignal.RunsChanged(Set.of("r2", "r1")));
        pending.add(new ClusterSignal.WorkAvailable());
        pending.add(new ClusterSignal.CancelRequested("r3", "user"));

        assertThat(pending.take()).containsExactly("w", "c:r3:user", "r:r1,r2");
    }

    @Test
    void too_many_changed_runs_or_an_any_run_signal_become_any_run() throws InterruptedException {
        for (int i = 0; i <= SignalPayloads.MAX_NAMED_RUNS; i++) {
            pending.add(new ClusterSignal.RunsChanged(Set.of("r" + i)));
        }
        assertThat(pending.take()).containsExactly("r:*");

        pending.add(new ClusterSignal.RunsChanged(Set.of("r1")));
        pending.add(new ClusterSignal.RunsChanged(Set.of()));
        pending.add(new ClusterSignal.RunsChanged(Set.of("r2")));
        assertThat(pending.take()).containsExactly("r:*");
    }

    @Test
    void closing_hands_what_is_pending_to_the_sender_once_then_ends_it() throws InterruptedException {
        pending.add(new ClusterSignal.WorkAvailable());
        pending.close();
        pending.add(new ClusterSignal.CancelRequested("r1", "too late"));

        assertThat(pending.take()).as("pending before close: flushed").containsExactly("w");
        assertThat(pending.take()).as("added after close: ignored").isNull();
    }

    @Test
    void closing_flushes_changed_runs_without_waiting_for_the_coalescing_interval() throws InterruptedException {
        PendingSignals slow = new PendingSignals(Duration.ofHours(1));
        slow.add(new ClusterSignal.RunsChanged(Set.of("r1")));
        assertThat(slow.take()).containsExactly("r:r1");
        slow.add(new ClusterSignal.RunsChanged(Set.of("r2")));

        slow.close();

        assertThat(slow.take()).containsExactly("r:r2");
        assertThat(slow.take()).isNull();
    }

    @Test
    void closing_with_nothing_pending_ends_the_sender() throws InterruptedException {
        pending.close();

        assertThat(pending.take()).isNull();
    }
}
