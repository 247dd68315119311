package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.RunView;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.InMemoryRunStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletionsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemoryRunStore store = new InMemoryRunStore();

    private Run run(String id) {
        Run run = store.create(new Run(id, "default", "wf", 1, RunStatus.QUEUED, 0,
                JsonNodeFactory.instance.objectNode(), null, null, null, null, null, T0, null, null));
        store.append(List.of(new JournalEntry.RunStarted(id, T0)));
        return run;
    }

    private void finish(String id) {
        store.append(List.of(new JournalEntry.RunFinished(id, RunStatus.SUCCEEDED, null, null, T0.plusSeconds(1))));
    }

    @Test
    void keeps_nothing_for_awaits_of_finished_or_unknown_runs() {
        Completions completions = new Completions(store, (tenant, runId) -> false);
        run("r1");
        finish("r1");

        for (int i = 0; i < 1_000; i++) {
            assertThat(completions.await("default", "r1")).isCompleted();
            assertThatThrownBy(() -> completions.await("default", "missing"))
                    .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }

        assertThat(completions.waitingCount()).isZero();
        assertThat(completions.waitingRunIds()).isEmpty();
    }

    @Test
    void forgets_a_run_once_its_waiters_are_completed_or_failed() {
        Completions completions = new Completions(store, (tenant, runId) -> false);
        run("r1");
        run("r2");
        CompletableFuture<RunView> first = completions.await("default", "r1");
        CompletableFuture<RunView> second = completions.await("default", "r2");
        assertThat(completions.waitingCount()).isEqualTo(2);

        finish("r1");
        completions.recheck("r1");
        completions.runFailed("r2", new BatonException(ErrorCode.STORE_UNAVAILABLE, "refused"));

        assertThat(first).isCompleted();
        assertThat(second).isCompletedExceptionally();
        assertThat(completions.waitingCount()).isZero();
    }

    @Test
    void a_waiter_registered_while_the_runs_earlier_waiters_fail_is_completed_by_a_later_recheck() {
        run("r1");
        AtomicReference<Completions> completions = new AtomicReference<>();
        AtomicInteger ownedChecks = new AtomicInteger();
        // The owner fails the run's earlier waiters while this await is between its checks, then lets go of the run.
        completions.set(new Completions(store, (tenant, runId) -> {
            int check = ownedChecks.incrementAndGet();
            if (check == 1) {
                completions.get().runFailed(runId, new BatonException(ErrorCode.LEASE_LOST, "let go"));
                return true;
            }
            return false;
        }));

        CompletableFuture<RunView> waiter = completions.get().await("default", "r1");
        assertThat(waiter).isNotDone();

        finish("r1");
        completions.get().recheck("r1");

        assertThat(waiter).isCompleted();
        assertThat(waiter.join().run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(completions.get().waitingCount()).isZero();
    }
}
