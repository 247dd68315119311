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
    void closing_drops_what_is_pending_and_ends_the_sender() throws InterruptedException {
        pending.add(new ClusterSignal.WorkAvailable());
        pending.close();
        pending.add(new ClusterSignal.WorkAvailable());

        assertThat(pending.take()).isNull();
    }
}
