package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.RunStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Records the size of every append; the first append waits until released; can fail the next appends. */
    private static final class RecordingStore extends ForwardingRunStore {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch firstAppendEntered = new CountDownLatch(1);
        final CountDownLatch releaseFirstAppend = new CountDownLatch(1);
        final AtomicInteger unavailableFor = new AtomicInteger();

        RecordingStore() {
            super(new InMemoryRunStore());
        }

        @Override
        public void append(List<JournalEntry> entries) {
            if (batches.isEmpty() && firstAppendEntered.getCount() > 0) {
                firstAppendEntered.countDown();
                try {
                    releaseFirstAppend.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (unavailableFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "database restarting");
            }
            super.append(entries);
            batches.add(entries.size());
        }
    }

    private static Run run(RunStore store, String id) {
        return store.create(new Run(id, "default", "wf", 1, RunStatus.QUEUED, 0,
                JsonNodeFactory.instance.objectNode(), null, null, null, null, null, T0, null, null));
    }

    private static JournalEntry started(String runId, String stepId) {
        return new JournalEntry.AttemptStarted(runId, stepId, 1, null, T0);
    }

    @Test
    void entries_queued_while_a_batch_is_being_written_are_committed_together() throws Exception {
        RecordingStore store = new RecordingStore();
        run(store, "r1");
        try (Journal journal = new Journal(store, 512, entries -> { })) {
            CompletableFuture<Void> first = journal.append(started("r1", "s0"));
            assertThat(store.firstAppendEntered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                rest.add(journal.append(started("r1", "s" + i)));
            }
            assertThat(rest).noneMatch(CompletableFuture::isDone);

            store.releaseFirstAppend.countDown();
            CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertThat(first).isCompleted();
            assertThat(store.batches).containsExactly(1, 50);
            assertThat(store.attempts("r1")).hasSize(51);
        }
    }

    @Test
    void a_batch_never_exceeds_the_configured_size() throws Exception {
        RecordingStore store = new RecordingStore();
        run(store, "r1");
        try (Journal journal = new Journal(store, 10, entries -> { })) {
            journal.append(started("r1", "first"));
            assertThat(store.firstAppendEntered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                rest.add(journal.append(started("r1", "s" + i)));
            }
            store.releaseFirstAppend.countDown();
            CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertThat(store.batches).containsExactly(1, 10, 10, 5);
        }
    }

    @Test
    void a_bad_entry_fails_only_its_own_future() throws Exception {
        RecordingStore store = new RecordingStore();
        run(store, "r1");
        store.firstAppendEntered.countDown();
        try (Journal journal = new Journal(store, 512, entries -> { })) {
            CompletableFuture<Void> unknownRun = journal.append(started("nope", "s"));
            CompletableFuture<Void> good = journal.append(started("r1", "s"));

            good.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> unknownRun.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BatonException.class).hasMessageContaining("nope");
            assertThat(store.attempts("r1")).hasSize(1);
        }
    }

    @Test
    void a_store_that_is_briefly_unavailable_is_retried_until_the_batch_is_durable() throws Exception {
        RecordingStore store = new RecordingStore();
        run(store, "r1");
        store.firstAppendEntered.countDown();
        store.unavailableFor.set(2);
        List<JournalEntry> seen = new CopyOnWriteArrayList<>();
        try (Journal journal = new Journal(store, 512, seen::addAll)) {
            journal.append(started("r1", "s")).get(10, TimeUnit.SECONDS);

            assertThat(store.attempts("r1")).hasSize(1);
            assertThat(seen).hasSize(1);
        }
    }

    @Test
    void after_close_appends_fail_with_store_unavailable() {
        RecordingStore store = new RecordingStore();
        Journal journal = new Journal(store, 512, entries -> { });
        journal.close();

        assertThatThrownBy(() -> journal.append(started("r1", "s")).join())
                .hasCauseInstanceOf(BatonException.class).hasMessageContaining("closed");
    }

    @Test
    void in_a_cluster_appends_are_fenced_and_only_the_runs_of_another_node_fail_and_are_reported() throws Exception {
        InMemoryRunStore store = new InMemoryRunStore(() -> T0);
        run(store, "ours");
        run(store, "theirs");
        assertThat(store.leases().claim("ours", "me", java.time.Duration.ofMinutes(1))).isPresent();
        assertThat(store.leases().claim("theirs", "other", java.time.Duration.ofMinutes(1))).isPresent();
        List<java.util.Set<String>> lost = new CopyOnWriteArrayList<>();
        try (Journal journal = new Journal(store, 512, entries -> { }, "me", lost::add)) {
            CompletableFuture<Void> mine = journal.append(started("ours", "a"));
            CompletableFuture<Void> refused = journal.append(started("theirs", "a"));

            mine.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(BatonException.class)
                    .cause().satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.LEASE_LOST));
            assertThat(lost).containsExactly(java.util.Set.of("theirs"));
            assertThat(store.attempts("ours")).hasSize(1);
            assertThat(store.attempts("theirs")).isEmpty();
        }
    }

    @Test
    void flush_completes_once_everything_queued_before_it_is_written() throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        run(store, "r1");
        try (Journal journal = new Journal(store, 512, entries -> { })) {
            CompletableFuture<Void> entry = journal.append(started("r1", "a"));

            journal.flush().get(10, TimeUnit.SECONDS);

            assertThat(entry).isDone();
            assertThat(store.attempts("r1")).hasSize(1);
        }
    }
}
