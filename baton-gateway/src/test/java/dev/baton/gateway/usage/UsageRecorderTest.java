package dev.baton.gateway.usage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class UsageRecorderTest {
    private static final Duration LONG = Duration.ofHours(1);

    /** A store that keeps each batch it got, and can be told to fail or to wait. */
    private static final class BatchStore implements UsageStore {
        final List<List<UsageRecord>> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void append(List<UsageRecord> records) {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failuresLeft.getAndDecrement() > 0) {
                throw new dev.baton.core.error.BatonException(dev.baton.core.error.ErrorCode.STORE_UNAVAILABLE,
                        "store down");
            }
            batches.add(records);
        }

        @Override
        public List<UsageTotals> summarize(UsageQuery query) {
            return List.of();
        }

        @Override
        public List<UsageLatency> latencies(UsageQuery query) {
            return List.of();
        }

        List<String> principals() {
            List<String> all = new ArrayList<>();
            batches.forEach(batch -> batch.forEach(r -> all.add(r.principal())));
            return all;
        }
    }

    private static UsageRecord record(String principal) {
        return new UsageRecord(Instant.EPOCH, principal, null, null, null, "gpt", "d", "openai", "m", "chat", 1, 1,
                false, 0, Duration.ZERO, null, false, null);
    }

    @Test
    void writes_records_in_batches_of_at_most_max_batch_and_flushes_the_rest_on_close() {
        BatchStore store = new BatchStore();
        UsageRecorder recorder = new UsageRecorder(store, 100, 3, LONG);

        for (int i = 0; i < 7; i++) {
            recorder.record(record("p" + i));
        }
        recorder.close();

        assertThat(store.principals()).containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6");
        assertThat(store.batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(3));
        assertThat(recorder.stats()).isEqualTo(new UsageRecorder.Stats(7, 0, 7, 0, 0));
    }

    @Test
    void a_full_queue_drops_and_counts_records_without_blocking_the_caller() throws InterruptedException {
        BatchStore store = new BatchStore();
        store.gate = new CountDownLatch(1);
        UsageRecorder recorder = new UsageRecorder(store, 2, 1, LONG);

        recorder.record(record("taken"));
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds "taken" in append
        recorder.record(record("queued-1"));
        recorder.record(record("queued-2"));
        recorder.record(record("dropped"));
        UsageRecorder.Stats whileStuck = recorder.stats();
        store.gate.countDown();
        recorder.close();

        assertThat(whileStuck.dropped()).isEqualTo(1);
        assertThat(whileStuck.queued()).isEqualTo(2);
        assertThat(store.principals()).containsExactly("taken", "queued-1", "queued-2");
        assertThat(recorder.stats().written()).isEqualTo(3);
    }

    @Test
    void a_failed_write_is_counted_and_not_retried() {
        BatchStore store = new BatchStore();
        store.failuresLeft.set(1);
        store.gate = new CountDownLatch(1);
        UsageRecorder recorder = new UsageRecorder(store, 100, 1, LONG);

        recorder.record(record("lost"));
        recorder.record(record("kept"));
        store.gate.countDown();
        recorder.close();

        assertThat(store.principals()).containsExactly("kept");
        assertThat(recorder.stats().failed()).isEqualTo(1);
        assertThat(recorder.stats().written()).isEqualTo(1);
    }

    @Test
    void records_after_close_are_dropped() {
        BatchStore store = new BatchStore();
        UsageRecorder recorder = new UsageRecorder(store, 100, 10, LONG);
        recorder.close();

        recorder.record(record("late"));
        recorder.close();

        assertThat(store.batches).isEmpty();
        assertThat(recorder.stats().dropped()).isEqualTo(1);
    }

    @Test
    void tells_the_listener_every_record_before_queuing_it_and_every_drop() {
        BatchStore store = new BatchStore();
        List<String> told = new CopyOnWriteArrayList<>();
        UsageRecorder recorder = new UsageRecorder(store, 100, 10, LONG, new UsageListener() {
            @Override
            public void recorded(UsageRecord record) {
                told.add("recorded " + record.principal());
            }

            @Override
            public void dropped(UsageRecord record) {
                told.add("dropped " + record.principal());
            }
        });
        recorder.record(record("a"));
        recorder.close();
        recorder.record(record("late"));

        assertThat(told).containsExactly("recorded a", "recorded late", "dropped late");
        assertThat(store.principals()).containsExactly("a");
    }

    @Test
    void a_listener_that_throws_neither_fails_the_caller_nor_loses_the_record() {
        BatchStore store = new BatchStore();
        UsageRecorder recorder = new UsageRecorder(store, 100, 10, LONG, record -> {
            throw new IllegalStateException("listener bug");
        });
        recorder.record(record("a"));
        recorder.record(record("b"));
        recorder.close();

        assertThat(store.principals()).containsExactly("a", "b");
        assertThat(recorder.stats().written()).isEqualTo(2);
    }
}
