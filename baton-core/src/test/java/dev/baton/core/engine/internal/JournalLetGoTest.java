package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.ManualEngineClock;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.store.InMemoryRunStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run this node let go of is never journaled again, even after the node holds its lease again: fencing by node
 * id cannot tell a node's stale writes from its current ones, so the journal itself drops them.
 */
class JournalLetGoTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(6);

    /** The in-memory store, counting fenced appends; the first append waits until released. */
    private static final class GatedStore extends ForwardingRunStore {
        final List<List<JournalEntry>> written = new CopyOnWriteArrayList<>();
        final CountDownLatch firstAppendEntered = new CountDownLatch(1);
        final CountDownLatch releaseFirstAppend = new CountDownLatch(1);

        GatedStore(InMemoryRunStore store) {
            super(store);
        }

        @Override
        public void append(List<JournalEntry> entries, String nodeId) {
            if (firstAppendEntered.getCount() > 0) {
                firstAppendEntered.countDown();
                try {
                    releaseFirstAppend.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.append(entries, nodeId);
            written.add(entries);
        }
    }

    private final ManualEngineClock storeClock = new ManualEngineClock(T0);
    private final InMemoryRunStore memory = new InMemoryRunStore(storeClock);
    private final GatedStore store = new GatedStore(memory);

    private void runningRun(String id) {
        memory.create(new Run(id, "default", "wf", 1, RunStatus.QUEUED, 0, JsonNodeFactory.instance.objectNode(),
                null, null, null, null, null, T0, null, null));
        memory.append(List.of(new JournalEntry.RunStarted(id, T0),
                new JournalEntry.AttemptStarted(id, "work", 1, null, T0)));
    }

    private static JournalEntry.AttemptFinished succeeded(String runId, int attempt) {
        return new JournalEntry.AttemptFinished(runId, "work", attempt, AttemptStatus.SUCCEEDED,
                JsonNodeFactory.instance.objectNode().put("stale", true), null, T0.plusSeconds(1));
    }

    /** Node a lost the run to b, b died, a holds the run again: a's old coordinator's finish passes the fence. */
    private void aLosesTheRunToBWhichDiesAndAReclaimsIt(String runId) {
        assertThat(memory.leases().claim(runId, "a", TTL)).isPresent();
        storeClock.advance(TTL.plusSeconds(1));
        assertThat(memory.leases().claim(runId, "b", TTL)).isPresent();
        storeClock.advance(TTL.plusSeconds(1)); // b died: its lease expires
        assertThat(memory.leases().claim(runId, "a", TTL)).isPresent();
    }

    @Test
    void a_request_whose_owner_let_go_before_its_batch_is_written_is_dropped_without_a_store_call() throws Exception {
        runningRun("r1");
        aLosesTheRunToBWhichDiesAndAReclaimsIt("r1");
        Set<String> reportedLost = new java.util.concurrent.ConcurrentSkipListSet<>();
        try (Journal journal = new Journal(store, 512, entries -> { }, "a", reportedLost::addAll)) {
            CompletableFuture<Void> barrier = journal.append(List.of(new JournalEntry.RunStarted("r1", T0)));
            assertThat(store.firstAppendEntered.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicBoolean letGo = new AtomicBoolean();
            CompletableFuture<Void> stale = journal.append(List.of(succeeded("r1", 1)), () -> !letGo.get());
            letGo.set(true); // the old coordinator is abandoned while its finish waits for the writer

            store.releaseFirstAppend.countDown();
            barrier.get(10, TimeUnit.SECONDS);
            journal.flush().get(10, TimeUnit.SECONDS);

            assertThatThrownBy(() -> stale.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(BatonException.class)
                    .cause().satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.LEASE_LOST));
            assertThat(store.written).as("only the barrier reached the store").hasSize(1);
            assertThat(memory.attempts("r1").getFirst().status()).isEqualTo(AttemptStatus.RUNNING);
            assertThat(reportedLost).as("the owner let go already: nothing to report").isEmpty();
        }
    }

    @Test
    void an_abandoned_runs_journal_refuses_appends_at_once_though_the_node_holds_its_lease_again() throws Exception {
        runningRun("r1");
        aLosesTheRunToBWhichDiesAndAReclaimsIt("r1");
        store.firstAppendEntered.countDown();
        try (Journal journal = new Journal(store, 512, entries -> { }, "a", ids -> { })) {
            AtomicBoolean abandoned = new AtomicBoolean();
            RunJournal oldCoordinator = new RunJournal(journal, abandoned::get);
            abandoned.set(true);

            CompletableFuture<Void> stale = oldCoordinator.append(succeeded("r1", 1));
            journal.flush().get(10, TimeUnit.SECONDS);

            assertThat(stale).isCompletedExceptionally();
            assertThat(store.written).isEmpty();
            assertThat(oldCoordinator.attempts()).isEmpty();
            assertThat(memory.attempts("r1").getFirst().status()).isEqualTo(AttemptStatus.RUNNING);

            RunJournal newCoordinator = new RunJournal(journal, () -> false);
            newCoordinator.append(succeeded("r1", 1)).get(10, TimeUnit.SECONDS);
            assertThat(memory.attempts("r1").getFirst().status()).as("the current owner still writes")
                    .isEqualTo(AttemptStatus.SUCCEEDED);
        }
    }
}
