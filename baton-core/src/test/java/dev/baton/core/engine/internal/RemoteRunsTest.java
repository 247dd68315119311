package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.RunView;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.store.InMemoryRunStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteRunsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Counts the reads of runs and of their attempts. */
    private static final class CountingStore extends ForwardingRunStore {
        final AtomicInteger finds = new AtomicInteger();
        final AtomicInteger attemptReads = new AtomicInteger();

        CountingStore() {
            super(new InMemoryRunStore());
        }

        @Override
        public Optional<Run> find(String tenantId, String runId) {
            finds.incrementAndGet();
            return super.find(tenantId, runId);
        }

        @Override
        public List<StepAttempt> attempts(String runId) {
            attemptReads.incrementAndGet();
            return super.attempts(runId);
        }
    }

    private final CountingStore store = new CountingStore();
    private final Completions completions = new Completions(store, (tenant, runId) -> false);
    private final RemoteRuns remote = new RemoteRuns(completions, new EventHub(store, Runnable::run),
            runId -> false, Runnable::run);

    private void runningRun(String id) {
        store.create(new Run(id, "default", "wf", 1, RunStatus.QUEUED, 0, JsonNodeFactory.instance.objectNode(),
                null, null, null, null, null, T0, null, null));
        store.append(List.of(new JournalEntry.RunStarted(id, T0)));
    }

    @Test
    void the_poll_skips_a_waited_run_a_signal_read_since_the_previous_poll() {
        runningRun("r1");
        CompletableFuture<RunView> waiter = completions.await("default", "r1");
        store.finds.set(0);

        remote.changed(Set.of("r1"));
        assertThat(store.finds.get()).as("the signal reads the run").isEqualTo(1);
        remote.sweep();
        assertThat(store.finds.get()).as("the next poll skips it").isEqualTo(1);
        remote.sweep();
        assertThat(store.finds.get()).as("no signal since: the poll reads it").isEqualTo(2);
        assertThat(store.attemptReads.get()).as("no attempts read while it runs").isZero();

        store.append(List.of(new JournalEntry.RunFinished("r1", RunStatus.SUCCEEDED, null, null, T0.plusSeconds(1))));
        remote.sweep(); // its finish signal was lost

        assertThat(waiter).isCompleted();
        assertThat(store.attemptReads.get()).isEqualTo(1);
    }

    @Test
    void a_signal_for_any_run_rereads_every_waited_run_even_one_signalled_lately() {
        runningRun("r1");
        CompletableFuture<RunView> waiter = completions.await("default", "r1");
        remote.changed(Set.of("r1"));
        store.append(List.of(new JournalEntry.RunFinished("r1", RunStatus.SUCCEEDED, null, null, T0.plusSeconds(1))));

        remote.changed(Set.of());

        assertThat(waiter).isCompleted();
    }

    @Test
    void signals_for_runs_nobody_waits_for_or_follows_are_not_read_or_remembered() {
        runningRun("r1");
        store.finds.set(0);

        for (int i = 0; i < 100; i++) {
            remote.changed(Set.of("r1", "other-" + i));
        }
        remote.sweep();

        assertThat(store.finds.get()).isZero();
    }
}
