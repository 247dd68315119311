package dev.baton.core.cluster;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.baton.core.store.StoreFixtures.T0;
import static dev.baton.core.store.StoreFixtures.attemptStarted;
import static dev.baton.core.store.StoreFixtures.json;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static dev.baton.core.store.StoreFixtures.runSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RunLeases} promises (with the fencing of {@link RunStore#append(List, String)}): claims of one
 * run and of the next runs in order (orphans, then the queue by priority and age), expiry by the store's clock,
 * renewal reporting lost runs, release, the queue depth, fencing, and disjoint claims under concurrency.
 *
 * <p>Extend it once per implementation: {@link #emptyStore()} returns an empty store, {@link #leasesOf} its
 * leases, and {@link #passTime} lets the store's clock move on (an in-memory store advances its clock; a database
 * sleeps). Leases meant to stay live last {@link #LIVE} (a minute); leases meant to expire last {@link #SHORT}
 * (200 ms) and expire after {@code passTime(}{@link #PAST_SHORT}{@code )}; nothing depends on how fast a statement
 * runs.
 */
public abstract class RunLeasesContract {
    /** A lease that outlives any test. */
    protected static final Duration LIVE = Duration.ofMinutes(1);
    /** A lease meant to expire. */
    protected static final Duration SHORT = Duration.ofMillis(200);
    /** How long to let pass for a {@link #SHORT} lease to expire. */
    protected static final Duration PAST_SHORT = Duration.ofMillis(300);

    protected RunStore store;
    protected RunLeases leases;

    /** A store holding no runs. */
    protected abstract RunStore emptyStore();

    /** The leases of {@code store} (same data). */
    protected abstract RunLeases leasesOf(RunStore store);

    /** Lets at least {@code amount} of the store's time pass (advance its clock, or sleep). */
    protected abstract void passTime(Duration amount);

    @BeforeEach
    void openStore() {
        store = emptyStore();
        leases = leasesOf(store);
    }

    private Run queued(int priority, long createdSeconds) {
        return queued(priority, createdSeconds, null);
    }

    private Run queued(int priority, long createdSeconds, String parentRunId) {
        Run run = new Run(UUID.randomUUID().toString(), "default", "wf", 1, RunStatus.QUEUED, priority, json("{}"),
                null, null, parentRunId == null ? null : parentRunId + "/step", parentRunId,
                parentRunId == null ? null : "step", T0.plusSeconds(createdSeconds), null, null);
        return store.create(run);
    }

    /** A run claimed by {@code node} and started (journaled {@code RUNNING}). */
    private Run running(String node, Duration ttl) {
        Run run = queued(0, 0);
        assertThat(leases.claim(run.id(), node, ttl)).isPresent();
        store.append(List.of(runStarted(run, 1)), node);
        return store.find("default", run.id()).orElseThrow();
    }

    private static List<String> ids(List<Run> runs) {
        return runs.stream().map(Run::id).toList();
    }

    @Test
    void claims_an_unowned_run_once_and_a_live_owner_keeps_it() {
        Run run = queued(0, 0);

        assertThat(leases.claim(run.id(), "a", LIVE)).map(Run::id).contains(run.id());
        assertThat(leases.claim(run.id(), "b", LIVE)).isEmpty();
        assertThat(leases.claim(run.id(), "a", LIVE)).as("the owner claims again").isPresent();
        assertThat(leases.claim(UUID.randomUUID().toString(), "a", LIVE)).as("unknown run").isEmpty();
    }

    @Test
    void a_finished_run_is_never_claimable() {
        Run run = running("a", LIVE);
        store.append(List.of(runSucceeded(run, 2)), "a");

        assertThat(leases.claim(run.id(), "a", LIVE)).isEmpty();
        passTime(PAST_SHORT);
        assertThat(leases.claimNext("b", 10, true, LIVE)).isEmpty();
    }

    @Test
    void claim_next_takes_queued_runs_by_priority_then_age() {
        Run lowOld = queued(0, 1);
        Run highNew = queued(5, 3);
        Run highOld = queued(5, 2);
        Run lowNew = queued(0, 4);

        assertThat(ids(leases.claimNext("a", 3, true, LIVE)))
                .containsExactly(highOld.id(), highNew.id(), lowOld.id());
        assertThat(ids(leases.claimNext("b", 3, true, LIVE))).containsExactly(lowNew.id());
        assertThat(leases.claimNext("c", 3, true, LIVE)).isEmpty();
    }

    @Test
    void claim_next_takes_orphans_of_expired_leases_before_the_queue() {
        Run queued = queued(100, 0);
        Run orphan = running("dead", SHORT);
        Run live = running("alive", LIVE);
        passTime(PAST_SHORT);

        List<Run> claimed = leases.claimNext("b", 10, true, LIVE);

        assertThat(ids(claimed)).containsExactly(orphan.id(), queued.id());
        assertThat(claimed.getFirst().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(ids(claimed)).doesNotContain(live.id());
    }

    @Test
    void without_queued_runs_claim_next_only_takes_running_orphans() {
        Run queued = queued(0, 0);
        Run orphan = running("dead", SHORT);
        Run queuedOrphan = queued(0, 1);
        assertThat(leases.claim(queuedOrphan.id(), "dead", SHORT)).isPresent();
        passTime(PAST_SHORT);

        assertThat(ids(leases.claimNext("b", 10, false, LIVE))).containsExactly(orphan.id());
        assertThat(ids(leases.claimNext("b", 10, true, LIVE)))
                .containsExactlyInAnyOrder(queuedOrphan.id(), queued.id());
    }

    @Test
    void without_a_free_slot_claim_next_still_takes_queued_child_runs_unowned_or_orphaned() {
        Run topLevel = queued(0, 0);
        Run child = queued(0, 1, running("a", LIVE).id());
        Run orphanChild = queued(0, 2, running("a", LIVE).id());
        assertThat(leases.claim(orphanChild.id(), "dead", SHORT)).isPresent();
        passTime(PAST_SHORT);

        assertThat(ids(leases.claimNext("b", 10, false, LIVE)))
                .as("children bypass admission").containsExactlyInAnyOrder(child.id(), orphanChild.id());
        assertThat(ids(leases.claimNext("b", 10, true, LIVE))).containsExactly(topLevel.id());
    }

    @Test
    void claim_queued_takes_unowned_queued_runs_by_priority_and_never_an_orphan() {
        Run low = queued(0, 1);
        Run high = queued(5, 2);
        Run orphan = running("dead", SHORT);
        Run queuedOrphan = queued(9, 0);
        assertThat(leases.claim(queuedOrphan.id(), "dead", SHORT)).isPresent();
        passTime(PAST_SHORT);

        assertThat(ids(leases.claimQueued("b", 10, LIVE))).containsExactly(high.id(), low.id());
        assertThat(leases.claimQueued("c", 10, LIVE)).isEmpty();
        assertThat(ids(leases.claimNext("c", 10, true, LIVE)))
                .as("the orphans are still there").containsExactlyInAnyOrder(orphan.id(), queuedOrphan.id());
    }

    @Test
    void a_lease_expires_by_the_store_clock_and_another_node_takes_the_run() {
        Run run = running("a", SHORT);
        assertThat(leases.claim(run.id(), "b", LIVE)).as("still live").isEmpty();

        passTime(PAST_SHORT);

        assertThat(leases.claim(run.id(), "b", LIVE)).isPresent();
        assertThat(leases.claim(run.id(), "a", LIVE)).as("b holds it now").isEmpty();
    }

    @Test
    void renew_extends_the_nodes_leases_and_reports_the_runs_it_lost() {
        Run kept = running("a", SHORT);
        Run taken = running("a", SHORT);
        Run finished = running("a", LIVE);
        store.append(List.of(runSucceeded(finished, 2)), "a");
        passTime(PAST_SHORT);
        assertThat(leases.claim(taken.id(), "b", LIVE)).isPresent();
        String unknown = UUID.randomUUID().toString();

        Set<String> lost = leases.renew("a", Set.of(kept.id(), taken.id(), finished.id(), unknown), LIVE);

        assertThat(lost).containsExactlyInAnyOrder(taken.id(), finished.id(), unknown);
        passTime(PAST_SHORT);
        assertThat(leases.claim(kept.id(), "b", LIVE)).as("renewed for a minute").isEmpty();
    }

    @Test
    void renew_leaves_alone_a_lease_the_node_holds_but_does_not_name() {
        Run named = running("a", SHORT);
        Run slipped = running("a", SHORT);

        assertThat(leases.renew("a", Set.of(named.id()), LIVE)).isEmpty();
        passTime(PAST_SHORT);

        assertThat(leases.claim(named.id(), "b", LIVE)).as("renewed").isEmpty();
        assertThat(leases.claim(slipped.id(), "b", LIVE)).as("not renewed: expired, claimable").isPresent();
    }

    @Test
    void renew_keeps_an_expired_lease_nobody_took() {
        Run run = running("a", SHORT);
        passTime(PAST_SHORT);

        assertThat(leases.renew("a", Set.of(run.id()), LIVE)).isEmpty();
        assertThat(leases.claim(run.id(), "b", LIVE)).isEmpty();
    }

    @Test
    void released_runs_are_claimable_at_once_and_others_runs_are_left_alone() {
        Run running = running("a", LIVE);
        Run queued = queued(0, 5);
        assertThat(leases.claim(queued.id(), "a", LIVE)).isPresent();
        Run othersRun = running("c", LIVE);

        leases.release("a", List.of(running.id(), queued.id(), othersRun.id()));

        assertThat(ids(leases.claimNext("b", 10, true, LIVE))).containsExactly(running.id(), queued.id());
        assertThat(leases.claim(othersRun.id(), "b", LIVE)).isEmpty();
    }

    @Test
    void queued_runs_counts_unstarted_top_level_runs() {
        Run parent = running("a", LIVE);
        queued(0, 1);
        queued(3, 2);
        queued(0, 3, parent.id());
        assertThat(leases.queuedRuns()).isEqualTo(2);

        Run third = queued(0, 4);
        assertThat(leases.queuedRuns()).isEqualTo(3);
        assertThat(leases.claim(third.id(), "a", LIVE)).isPresent();
        store.append(List.of(runStarted(third, 5)), "a");
        assertThat(leases.queuedRuns()).isEqualTo(2);
    }

    @Test
    void appends_of_a_run_leased_to_another_node_are_refused_whole() {
        Run theirs = running("a", LIVE);
        Run ours = running("b", LIVE);

        assertThatThrownBy(() -> store.append(List.of(attemptStarted(ours, "s", 1, 2),
                attemptStarted(theirs, "s", 1, 2)), "b"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LEASE_LOST);
                    assertThat(e.getMessage()).contains(theirs.id());
                });

        assertThat(store.attempts(ours.id())).as("nothing written").isEmpty();
        store.append(List.of(attemptStarted(ours, "s", 1, 2)), "b");
        assertThat(store.attempts(ours.id())).hasSize(1);
    }

    @Test
    void a_cancel_request_and_runs_without_an_owner_are_not_fenced() {
        Run theirs = running("a", LIVE);
        Run unowned = queued(0, 0);

        store.append(List.of(new JournalEntry.CancelRequested(theirs.id(), "stop", T0)), "b");
        store.append(List.of(runStarted(unowned, 1)), "b");

        assertThat(store.events(theirs.id(), 0, 10))
                .anyMatch(e -> e.entry() instanceof JournalEntry.CancelRequested);
        assertThat(store.find("default", unowned.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void a_node_that_lost_a_lease_is_fenced_off() {
        Run run = running("a", SHORT);
        passTime(PAST_SHORT);
        assertThat(leases.claim(run.id(), "b", LIVE)).isPresent();

        assertThatThrownBy(() -> store.append(List.of(attemptStarted(run, "s", 1, 2)), "a"))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.LEASE_LOST));
        store.append(List.of(attemptStarted(run, "s", 1, 2)), "b");
        assertThat(store.attempts(run.id())).hasSize(1);
    }

    @Test
    void concurrent_claimers_get_disjoint_runs() throws Exception {
        int runs = 60;
        for (int i = 0; i < runs; i++) {
            queued(i % 3, i);
        }
        int nodes = 4;
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                String node = "node-" + n;
                counts.add(pool.submit(() -> {
                    go.await();
                    int mine = 0;
                    while (true) {
                        List<Run> batch = leases.claimNext(node, 4, true, LIVE);
                        if (batch.isEmpty()) {
                            return mine;
                        }
                        for (Run run : batch) {
                            if (!claimed.add(run.id())) {
                                synchronized (duplicates) {
                                    duplicates.add(run.id());
                                }
                            }
                        }
                        mine += batch.size();
                    }
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get(30, TimeUnit.SECONDS);
            }
            assertThat(duplicates).isEmpty();
            assertThat(total).isEqualTo(runs);
            assertThat(claimed).hasSize(runs);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancel_requested_reports_the_nodes_runs_with_a_cancel_request_or_nothing() {
        Run cancelled = running("a", LIVE);
        Run other = running("a", LIVE);
        store.append(List.of(new JournalEntry.CancelRequested(cancelled.id(), null, T0)), "b");

        Set<String> reported = leases.cancelRequested("a");

        // A store may not support this fallback (the default reports nothing); one that does reports exactly it.
        assertThat(reported).isSubsetOf(Set.of(cancelled.id()));
        assertThat(reported).doesNotContain(other.id());
        assertThat(leases.cancelRequested("b")).isEmpty();
    }

    @Test
    void claim_next_takes_the_nodes_own_expired_leases_like_any_orphan() {
        Run slipped = running("a", SHORT);
        Run live = running("a", LIVE);
        passTime(PAST_SHORT);

        List<Run> claimed = leases.claimNext("a", 10, false, LIVE);

        assertThat(ids(claimed)).containsExactly(slipped.id());
        assertThat(ids(claimed)).doesNotContain(live.id());
        assertThat(leases.claimNext("b", 10, true, LIVE)).as("a holds it again").isEmpty();
    }

    @Test
    void queued_runs_does_not_count_a_claimed_run_that_has_not_started() {
        Run first = queued(0, 1);
        queued(0, 2);
        assertThat(leases.queuedRuns()).isEqualTo(2);

        assertThat(leases.claim(first.id(), "a", LIVE)).isPresent();

        assertThat(leases.queuedRuns()).isEqualTo(1);
    }

    @Test
    void bad_limits_ttls_and_node_ids_are_refused_with_a_clear_error() {
        Run run = queued(0, 1);
        List<Runnable> bad = List.of(
                () -> leases.claimNext("a", 0, true, LIVE),
                () -> leases.claimQueued("a", 0, LIVE),
                () -> leases.claimNext("a", 1, true, Duration.ZERO),
                () -> leases.claimNext("a", 1, true, Duration.ofSeconds(-1)),
                () -> leases.claimNext("", 1, true, LIVE),
                () -> leases.claim(run.id(), "a", Duration.ZERO),
                () -> leases.renew("a", Set.of(run.id()), Duration.ZERO));
        for (Runnable call : bad) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(BatonException.class,
                    e -> assertThat(e.code().kind()).isEqualTo(ErrorCode.Kind.INVALID));
        }
        assertThat(leases.queuedRuns()).as("nothing was claimed").isEqualTo(1);
    }
}
