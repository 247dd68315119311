package dev.baton.core.store;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.baton.core.store.StoreFixtures.T0;
import static dev.baton.core.store.StoreFixtures.attemptStarted;
import static dev.baton.core.store.StoreFixtures.failed;
import static dev.baton.core.store.StoreFixtures.json;
import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.queuedWithKey;
import static dev.baton.core.store.StoreFixtures.runFailed;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static dev.baton.core.store.StoreFixtures.runSucceeded;
import static dev.baton.core.store.StoreFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RunStore} promises: creating and finding runs, idempotency keys, applying the journal
 * idempotently and atomically, and events. Listing and value round trips are covered by the inherited {@link RunStoreListingContract} and
 * {@link RunStoreValuesContract}.
 * Extend it once per implementation and return an empty store from {@link #emptyStore()}.
 */
public abstract class RunStoreContract extends RunStoreValuesContract {

    @Test
    void creates_a_run_and_finds_it_by_id() {
        Run run = queued("default", "wf", 1);

        assertThat(store.create(run)).isEqualTo(run);
        assertThat(store.find("default", run.id())).contains(run);
        assertThat(store.find("default", UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void another_tenants_run_is_not_found() {
        Run run = store.create(queuedWithKey("acme", "k"));

        assertThat(store.find("default", run.id())).isEmpty();
        assertThat(store.findByIdempotencyKey("default", "k")).isEmpty();
        assertThat(store.list("default", RunQuery.firstPage(10)).items()).isEmpty();
        assertThat(store.find("acme", run.id())).contains(run);
    }

    @Test
    void a_used_idempotency_key_returns_the_existing_run_and_stores_nothing() {
        Run first = store.create(queuedWithKey("default", "order-17"));
        Run second = queuedWithKey("default", "order-17");

        assertThat(store.create(second)).isEqualTo(first);
        assertThat(store.find("default", second.id())).isEmpty();
        assertThat(store.list("default", RunQuery.firstPage(10)).items()).containsExactly(first);
    }

    @Test
    void idempotency_keys_are_per_tenant() {
        Run ours = store.create(queuedWithKey("default", "same"));
        Run theirs = store.create(queuedWithKey("acme", "same"));

        assertThat(theirs.id()).isNotEqualTo(ours.id());
        assertThat(store.findByIdempotencyKey("acme", "same")).contains(theirs);
        assertThat(store.findByIdempotencyKey("default", "same")).contains(ours);
    }

    @Test
    void concurrent_creates_with_one_idempotency_key_store_one_run() throws Exception {
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Run>> results = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                Run candidate = queuedWithKey("default", "burst");
                results.add(executor.submit(() -> {
                    go.await();
                    return store.create(candidate);
                }));
            }
            go.countDown();
            Set<String> ids = ConcurrentHashMap.newKeySet();
            for (Future<Run> result : results) {
                ids.add(result.get().id());
            }
            assertThat(ids).hasSize(1);
        }
        assertThat(store.list("default", RunQuery.firstPage(100)).items()).hasSize(1);
    }

    @Test
    void creating_the_same_run_again_returns_the_stored_run() {
        Run run = store.create(queued("default", "wf", 1));

        assertThat(store.create(run)).isEqualTo(run);
        assertThat(store.list("default", RunQuery.firstPage(10)).items()).hasSize(1);
    }

    @Test
    void create_all_stores_every_run_and_returns_them_in_order() {
        List<Run> runs = List.of(queued("default", "wf", 1), queuedWithKey("default", "k1"), queued("acme", "wf", 2));

        List<Run> stored = store.createAll(runs);

        assertThat(stored).containsExactlyElementsOf(runs);
        for (Run run : runs) {
            assertThat(store.find(run.tenantId(), run.id())).contains(run);
        }
        assertThat(store.findByIdempotencyKey("default", "k1")).contains(runs.get(1));
    }

    @Test
    void create_all_resolves_used_and_repeated_idempotency_keys_to_the_earlier_run() {
        Run earlier = store.create(queuedWithKey("default", "order-1"));
        Run again = queuedWithKey("default", "order-1");
        Run fresh = queuedWithKey("default", "order-2");
        Run repeat = queuedWithKey("default", "order-2");
        Run otherTenant = queuedWithKey("acme", "order-2");
        Run plain = queued("default", "wf", 3);

        List<Run> stored = store.createAll(List.of(again, fresh, repeat, otherTenant, plain, earlier));

        assertThat(stored).containsExactly(earlier, fresh, fresh, otherTenant, plain, earlier);
        assertThat(store.find("default", again.id())).isEmpty();
        assertThat(store.find("default", repeat.id())).isEmpty();
        assertThat(store.list("default", RunQuery.firstPage(10)).items()).hasSize(3);
        assertThat(store.findByIdempotencyKey("acme", "order-2")).contains(otherTenant);
    }

    @Test
    void create_all_of_nothing_stores_nothing() {
        assertThat(store.createAll(List.of())).isEmpty();
        assertThat(store.unfinished()).isEmpty();
    }

    @Test
    void run_started_moves_a_queued_run_to_running() {
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(runStarted(run, 5)));

        Run stored = store.find("default", run.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(stored.startedAt()).isEqualTo(T0.plusMillis(5));
        assertThat(stored.finishedAt()).isNull();
    }

    @Test
    void attempts_record_input_output_error_and_times() {
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(runStarted(run, 1), attemptStarted(run, "a", 1, 2), succeeded(run, "a", 1, 3),
                attemptStarted(run, "b", 1, 4), failed(run, "b", 1, 5), attemptStarted(run, "b", 2, 6)));

        assertThat(store.attempts(run.id())).containsExactly(
                new StepAttempt(run.id(), "a", 1, AttemptStatus.SUCCEEDED, json("{'step': 'a'}"),
                        json("{'result': 'a-1'}"), null, T0.plusMillis(2), T0.plusMillis(3)),
                new StepAttempt(run.id(), "b", 1, AttemptStatus.FAILED, json("{'step': 'b'}"), null,
                        new StepError("upstream-unavailable", "HTTP 503 from 127.0.0.1", true),
                        T0.plusMillis(4), T0.plusMillis(5)),
                new StepAttempt(run.id(), "b", 2, AttemptStatus.RUNNING, json("{'step': 'b'}"), null, null,
                        T0.plusMillis(6), null));
    }

    @Test
    void a_step_finished_without_a_start_is_recorded_as_a_skipped_attempt() {
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(new JournalEntry.AttemptFinished(run.id(), "maybe", 1, AttemptStatus.SKIPPED, null, null,
                T0.plusMillis(9))));

        assertThat(store.attempts(run.id())).containsExactly(new StepAttempt(run.id(), "maybe", 1,
                AttemptStatus.SKIPPED, null, null, null, T0.plusMillis(9), T0.plusMillis(9)));
    }

    @Test
    void run_finished_records_outputs_or_error() {
        Run ok = store.create(queued("default", "wf", 0));
        Run bad = store.create(queued("default", "wf", 1));

        store.append(List.of(runStarted(ok, 1), runStarted(bad, 1), runSucceeded(ok, 8), runFailed(bad, 9)));

        Run okStored = store.find("default", ok.id()).orElseThrow();
        assertThat(okStored.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(okStored.outputs()).isEqualTo(json("{'answer': 42}"));
        assertThat(okStored.error()).isNull();
        assertThat(okStored.startedAt()).isEqualTo(T0.plusMillis(1));
        assertThat(okStored.finishedAt()).isEqualTo(T0.plusMillis(8));
        Run badStored = store.find("default", bad.id()).orElseThrow();
        assertThat(badStored.status()).isEqualTo(RunStatus.FAILED);
        assertThat(badStored.outputs()).isNull();
        assertThat(badStored.error()).isEqualTo(new StepError("step-failed", "step 'b' failed", false));
    }

    @Test
    void reapplying_a_journal_changes_nothing() {
        Run run = store.create(queued("default", "wf", 0));
        List<JournalEntry> journal = List.of(runStarted(run, 1), attemptStarted(run, "a", 1, 2),
                failed(run, "a", 1, 3), attemptStarted(run, "a", 2, 4), succeeded(run, "a", 2, 5),
                new JournalEntry.CancelRequested(run.id(), "user", T0.plusMillis(6)), runSucceeded(run, 7));
        store.append(journal);
        Run afterFirst = store.find("default", run.id()).orElseThrow();
        List<StepAttempt> attemptsAfterFirst = store.attempts(run.id());
        List<RunEvent> eventsAfterFirst = store.events(run.id(), 0, 100);

        store.append(journal);
        for (JournalEntry entry : journal) {
            store.append(List.of(entry));
        }

        assertThat(store.find("default", run.id())).contains(afterFirst);
        assertThat(store.attempts(run.id())).isEqualTo(attemptsAfterFirst);
        assertThat(store.events(run.id(), 0, 100)).isEqualTo(eventsAfterFirst).hasSize(journal.size());
    }

    @Test
    void a_finished_attempt_is_never_moved_back() {
        Run run = store.create(queued("default", "wf", 0));
        store.append(List.of(attemptStarted(run, "a", 1, 1), succeeded(run, "a", 1, 2)));

        store.append(List.of(attemptStarted(run, "a", 1, 3), failed(run, "a", 1, 4)));

        StepAttempt attempt = store.attempts(run.id()).getFirst();
        assertThat(attempt.status()).isEqualTo(AttemptStatus.SUCCEEDED);
        assertThat(attempt.finishedAt()).isEqualTo(T0.plusMillis(2));
        assertThat(attempt.startedAt()).isEqualTo(T0.plusMillis(1));
    }

    @Test
    void a_finished_run_keeps_its_first_outcome() {
        Run run = store.create(queued("default", "wf", 0));
        store.append(List.of(runStarted(run, 1), runSucceeded(run, 2)));

        store.append(List.of(runFailed(run, 3), runStarted(run, 4),
                new JournalEntry.CancelRequested(run.id(), "too late", T0.plusMillis(5))));

        Run stored = store.find("default", run.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(stored.finishedAt()).isEqualTo(T0.plusMillis(2));
        assertThat(stored.startedAt()).isEqualTo(T0.plusMillis(1));
        assertThat(store.events(run.id(), 0, 100)).hasSize(2);
    }

    @Test
    void a_cancelled_queued_run_finishes_without_starting() {
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(new JournalEntry.CancelRequested(run.id(), "user", T0.plusMillis(1)),
                new JournalEntry.RunFinished(run.id(), RunStatus.CANCELLED, null,
                        new StepError("cancelled", "cancelled by user", false), T0.plusMillis(2))));

        Run stored = store.find("default", run.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.startedAt()).isNull();
        assertThat(stored.error().code()).isEqualTo("cancelled");
        assertThat(store.events(run.id(), 0, 10)).extracting(e -> e.entry().getClass().getSimpleName())
                .containsExactly("CancelRequested", "RunFinished");
    }

    @Test
    void an_append_naming_a_missing_run_writes_nothing() {
        Run run = store.create(queued("default", "wf", 0));
        String missing = UUID.randomUUID().toString();

        assertThatThrownBy(() -> store.append(List.of(runStarted(run, 1), attemptStarted(run, "a", 1, 2),
                new JournalEntry.RunStarted(missing, T0))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains(missing);
                });

        assertThat(store.find("default", run.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
        assertThat(store.attempts(run.id())).isEmpty();
        assertThat(store.events(run.id(), 0, 10)).isEmpty();
    }

    @Test
    void one_append_may_carry_entries_of_many_runs() {
        List<Run> runs = new ArrayList<>();
        List<JournalEntry> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Run run = store.create(queued("default", "wf", i));
            runs.add(run);
            batch.add(runStarted(run, i));
            batch.add(attemptStarted(run, "only", 1, i + 1));
        }
        for (Run run : runs) {
            batch.add(succeeded(run, "only", 1, 100));
            batch.add(runSucceeded(run, 101));
        }

        store.append(batch);

        for (Run run : runs) {
            assertThat(store.find("default", run.id()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(store.attempts(run.id())).singleElement()
                    .extracting(StepAttempt::status).isEqualTo(AttemptStatus.SUCCEEDED);
            assertThat(store.events(run.id(), 0, 10)).extracting(RunEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void attempts_are_ordered_by_start_then_step_then_attempt() {
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(attemptStarted(run, "z", 1, 1), attemptStarted(run, "b", 1, 5),
                attemptStarted(run, "a", 1, 5), attemptStarted(run, "z", 2, 3)));

        assertThat(store.attempts(run.id())).extracting(a -> a.stepId() + "#" + a.attempt())
                .containsExactly("z#1", "z#2", "a#1", "b#1");
        assertThat(store.attempts(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void events_are_the_applied_entries_numbered_per_run() {
        Run one = store.create(queued("default", "wf", 0));
        Run two = store.create(queued("default", "wf", 1));
        List<JournalEntry> journal = List.of(runStarted(one, 1), runStarted(two, 1), attemptStarted(one, "a", 1, 2),
                succeeded(one, "a", 1, 3), runSucceeded(one, 4));

        store.append(journal.subList(0, 2));
        store.append(journal.subList(2, 5));

        assertThat(store.events(one.id(), 0, 100)).containsExactly(new RunEvent(1, journal.get(0)),
                new RunEvent(2, journal.get(2)), new RunEvent(3, journal.get(3)), new RunEvent(4, journal.get(4)));
        assertThat(store.events(two.id(), 0, 100)).containsExactly(new RunEvent(1, journal.get(1)));
        assertThat(store.events(one.id(), 2, 100)).extracting(RunEvent::sequence).containsExactly(3L, 4L);
        assertThat(store.events(one.id(), 1, 2)).extracting(RunEvent::sequence).containsExactly(2L, 3L);
        assertThat(store.events(one.id(), 4, 100)).isEmpty();
        assertThat(store.events(UUID.randomUUID().toString(), 0, 100)).isEmpty();
    }

    @Test
    void a_cancel_request_is_journaled_once() {
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(runStarted(run, 1), new JournalEntry.CancelRequested(run.id(), "user", T0.plusMillis(2))));
        store.append(List.of(new JournalEntry.CancelRequested(run.id(), "again", T0.plusMillis(3))));

        assertThat(store.events(run.id(), 0, 10)).extracting(RunEvent::entry)
                .containsExactly(runStarted(run, 1), new JournalEntry.CancelRequested(run.id(), "user", T0.plusMillis(2)));
    }

    @Test
    void rejects_bad_event_arguments_naming_the_field() {
        Run run = store.create(queued("default", "wf", 0));

        assertThatThrownBy(() -> store.events(run.id(), -1, 10))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("afterSequence");
                });
        assertThatThrownBy(() -> store.events(run.id(), 0, 0))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage()).contains("limit"));
    }

    @Test
    void an_empty_append_is_a_no_op() {
        store.append(List.of());

        assertThat(store.unfinished()).isEmpty();
    }

    @Test
    void an_attempt_finished_before_its_start_in_one_append_stays_finished() {
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(succeeded(run, "a", 1, 2), attemptStarted(run, "a", 1, 3)));

        assertThat(store.attempts(run.id())).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(AttemptStatus.SUCCEEDED);
            assertThat(a.startedAt()).isEqualTo(T0.plusMillis(2));
        });
        assertThat(store.events(run.id(), 0, 10)).extracting(RunEvent::entry).containsExactly(succeeded(run, "a", 1, 2));
    }

    @Test
    void concurrent_appends_to_one_run_number_its_events_without_gaps() throws Exception {
        Run run = store.create(queued("default", "wf", 0));
        int writers = 6;
        int appendsEach = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < writers; w++) {
                String step = "writer" + w;
                done.add(executor.submit(() -> {
                    go.await();
                    for (int k = 1; k <= appendsEach; k++) {
                        store.append(List.of(attemptStarted(run, step, k, k)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        }

        assertThat(store.events(run.id(), 0, 1000)).extracting(RunEvent::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, writers * appendsEach).boxed().toList());
        assertThat(store.attempts(run.id())).hasSize(writers * appendsEach);
    }

    @Test
    void unfinished_lists_queued_and_running_runs_of_every_tenant_oldest_first() {
        Run running = store.create(queued("acme", "wf", 5));
        Run finished = store.create(queued("default", "wf", 1));
        Run waiting = store.create(queued("default", "wf", 9));
        Run oldest = store.create(queued("default", "other", 0));
        store.append(List.of(runStarted(running, 6), runStarted(finished, 2), runSucceeded(finished, 3)));

        assertThat(store.unfinished()).extracting(Run::id).containsExactly(oldest.id(), running.id(), waiting.id());
        assertThat(store.unfinished().get(1).status()).isEqualTo(RunStatus.RUNNING);
    }
}
