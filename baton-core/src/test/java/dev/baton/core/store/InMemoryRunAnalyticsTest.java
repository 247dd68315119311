package dev.baton.core.store;

import dev.baton.core.error.BatonException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The analytics contract on the in-memory store, and the value types' own rules. */
class InMemoryRunAnalyticsTest extends RunAnalyticsContract {

    @Override
    protected Stores emptyStores() {
        InMemoryRunStore store = new InMemoryRunStore();
        return new Stores(store, new InMemoryRunAnalytics(store));
    }

    @Test
    void a_window_must_end_after_it_starts() {
        Instant at = Instant.parse("2026-03-01T10:00:00Z");

        assertThatThrownBy(() -> AnalyticsWindow.of(at, at)).isInstanceOf(BatonException.class)
                .hasMessageContaining("to");
        assertThat(AnalyticsWindow.of(at, at.plusSeconds(1)).contains(at)).isTrue();
        assertThat(AnalyticsWindow.of(at, at.plusSeconds(1)).contains(at.plusSeconds(1))).isFalse();
    }

    @Test
    void percentiles_interpolate_linearly_between_ranks_like_percentile_cont() {
        Percentiles one = Percentiles.of(new double[] {7});
        Percentiles two = Percentiles.of(new double[] {10, 0});

        assertThat(one).isEqualTo(new Percentiles(7, 7, 7));
        assertThat(two.p50()).isEqualTo(5);
        assertThat(two.p95()).isCloseTo(9.5, within(1e-12));
        assertThat(two.p99()).isCloseTo(9.9, within(1e-12));
        assertThat(Percentiles.of(new double[0])).isNull();
    }

    @Test
    void journal_writes_do_not_wait_for_a_snapshot_of_the_window() throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        var first = store.create(StoreFixtures.queued("default", "wf", 1));
        var second = store.create(StoreFixtures.queued("default", "wf", 2));
        store.append(List.of(StoreFixtures.attemptStarted(first, "a", 1, 1100)));

        // While the snapshot is being taken (the filter of its first run), another thread journals an attempt of
        // the run read next: it must not wait for the whole window to be copied.
        List<InMemoryRunStore.RunRecord> records = store.snapshot("default", StoreFixtures.T0,
                StoreFixtures.T0.plusSeconds(10), run -> {
                    if (run.id().equals(second.id())) {
                        CompletableFuture.runAsync(() -> store.append(List.of(
                                StoreFixtures.attemptStarted(first, "b", 1, 2100)))).orTimeout(30, TimeUnit.SECONDS)
                                .join();
                    }
                    return true;
                }, true);

        assertThat(records).extracting(r -> r.run().id()).containsExactly(second.id(), first.id());
        assertThat(records.get(1).attempts()).extracting(a -> a.stepId()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void map_item_indexes_become_a_star() {
        assertThat(StepStats.stepOf("each[12]")).isEqualTo("each[*]");
        assertThat(StepStats.stepOf("outer[3][14]")).isEqualTo("outer[*][*]");
        assertThat(StepStats.stepOf("plain")).isEqualTo("plain");
    }
}
