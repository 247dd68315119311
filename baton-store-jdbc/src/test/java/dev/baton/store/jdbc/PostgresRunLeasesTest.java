package dev.baton.store.jdbc;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static dev.baton.core.store.StoreFixtures.runSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Run leases on a real PostgreSQL server, beyond {@code RunLeasesContract} (see PostgresRunLeasesContractTest):
 * the lease columns as stored, orphans against the limit, runs started before the cluster, and many claimers.
 */
class PostgresRunLeasesTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static EmbeddedPostgres postgres;
    private static JdbcStores stores;
    private RunStore runs;
    private RunLeases leases;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        stores = Databases.openPostgres(postgres);
    }

    @AfterAll
    static void stop() throws IOException {
        stores.close();
        postgres.close();
    }

    @BeforeEach
    void empty() {
        Databases.empty(stores);
        runs = stores.runs();
        leases = stores.leases();
    }

    @Test
    void a_lease_that_expired_is_claimed_by_another_node() {
        Run run = runs.create(queued("t", "wf", 1));
        leases.claim(run.id(), "a", TTL);
        runs.append(List.of(runStarted(run, 1)), "a");

        Databases.expireLeases(stores, "a");

        assertThat(leases.claim(run.id(), "b", TTL)).get().extracting(Run::status).isEqualTo(RunStatus.RUNNING);
        assertThat(owner(run)).isEqualTo("b");
    }

    @Test
    void finished_and_missing_runs_are_not_claimable() {
        Run run = runs.create(queued("t", "wf", 1));
        leases.claim(run.id(), "a", TTL);
        runs.append(List.of(runStarted(run, 1), runSucceeded(run, 2)), "a");
        Databases.expireLeases(stores, "a");

        assertThat(leases.claim(run.id(), "b", TTL)).isEmpty();
        assertThat(leases.claim("no-such-run", "b", TTL)).isEmpty();
        assertThat(leases.claimNext("b", 10, true, TTL)).isEmpty();
        assertThat(owner(run)).as("a finished run keeps its last owner").isEqualTo("a");
    }

    @Test
    void claims_orphans_first_then_queued_runs_by_priority_then_age() {
        Run old = runs.create(withPriority(queued("t", "wf", 1), 0));
        Run urgent = runs.create(withPriority(queued("t", "wf", 3), 50));
        Run young = runs.create(withPriority(queued("t", "wf", 2), 0));
        Run orphan = runs.create(queued("t", "wf", 9));
        leases.claim(orphan.id(), "dead", TTL);
        runs.append(List.of(runStarted(orphan, 1)), "dead");
        Databases.expireLeases(stores, "dead");

        List<Run> claimed = leases.claimNext("b", 10, true, TTL);

        assertThat(claimed).extracting(Run::id).containsExactly(orphan.id(), urgent.id(), old.id(), young.id());
        assertThat(claimed.getFirst().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(leases.claimNext("c", 10, true, TTL)).as("all are held now").isEmpty();
    }

    @Test
    void orphans_count_against_the_limit() {
        Run orphan = runs.create(queued("t", "wf", 9));
        leases.claim(orphan.id(), "dead", TTL);
        runs.append(List.of(runStarted(orphan, 1)), "dead");
        Databases.expireLeases(stores, "dead");
        Run first = runs.create(queued("t", "wf", 1));
        runs.create(queued("t", "wf", 2));

        assertThat(leases.claimNext("b", 2, true, TTL)).extracting(Run::id).containsExactly(orphan.id(), first.id());
    }

    @Test
    void without_queued_runs_only_running_orphans_are_claimed() {
        Run queuedRun = runs.create(queued("t", "wf", 1));
        Run claimedQueued = runs.create(queued("t", "wf", 2));
        leases.claim(claimedQueued.id(), "dead", TTL);
        Run running = runs.create(queued("t", "wf", 3));
        leases.claim(running.id(), "dead", TTL);
        runs.append(List.of(runStarted(running, 1)), "dead");
        Databases.expireLeases(stores, "dead");

        assertThat(leases.claimNext("b", 10, false, TTL)).extracting(Run::id).containsExactly(running.id());
        assertThat(leases.claimNext("b", 10, true, TTL)).as("an expired queued claim is an orphan too")
                .extracting(Run::id).containsExactly(claimedQueued.id(), queuedRun.id());
    }

    @Test
    void a_running_run_never_leased_is_an_orphan() {
        Run run = runs.create(queued("t", "wf", 1));
        runs.append(List.of(runStarted(run, 1)));

        assertThat(leases.claimNext("b", 1, false, TTL)).extracting(Run::id).containsExactly(run.id());
    }

    @Test
    void renew_extends_the_nodes_leases_and_reports_the_runs_it_lost() throws SQLException {
        Run kept = runs.create(queued("t", "wf", 1));
        Run taken = runs.create(queued("t", "wf", 2));
        Run finished = runs.create(queued("t", "wf", 3));
        for (Run run : List.of(kept, taken, finished)) {
            leases.claim(run.id(), "a", Duration.ofSeconds(1));
        }
        runs.append(List.of(runStarted(finished, 1), runSucceeded(finished, 2)), "a");
        Databases.expireLeases(stores, "a");
        leases.claim(taken.id(), "b", TTL);
        Instant before = expiry(kept);

        Set<String> lost = leases.renew("a", Set.of(kept.id(), taken.id(), finished.id(), "gone"), TTL);

        assertThat(lost).containsExactlyInAnyOrder(taken.id(), finished.id(), "gone");
        assertThat(expiry(kept)).isAfter(before);
        assertThat(leases.claim(kept.id(), "b", TTL)).as("renewed, so not claimable").isEmpty();
    }

    @Test
    void the_queue_depth_counts_unowned_queued_top_level_runs() {
        runs.create(queued("t", "wf", 1));
        Run parent = runs.create(queued("t", "wf", 2));
        runs.create(childOf(parent, queued("t", "wf", 3)));
        Run claimed = runs.create(queued("t", "wf", 4));
        leases.claim(claimed.id(), "a", TTL);
        leases.claim(parent.id(), "a", TTL);

        assertThat(leases.queuedRuns()).isEqualTo(1);
    }

    @Test
    void bad_arguments_are_refused_with_the_field_named() {
        assertThatThrownBy(() -> leases.claimNext("a", 0, true, TTL))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("limit");
                });
        assertThatThrownBy(() -> leases.claim("r", "a", Duration.ZERO)).hasMessageContaining("ttl");
        assertThatThrownBy(() -> leases.renew("", Set.of(), TTL)).hasMessageContaining("nodeId");
    }

    @Test
    void concurrent_claimers_get_disjoint_runs_and_together_all_of_them() throws Exception {
        int total = 300;
        List<Run> created = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            created.add(queued("t", "wf", i));
        }
        runs.createAll(created);
        int claimers = 6;
        List<List<String>> claimedBy = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int n = 0; n < claimers; n++) {
            List<String> mine = java.util.Collections.synchronizedList(new ArrayList<>());
            claimedBy.add(mine);
            String node = "node-" + n;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    List<Run> batch;
                    do {
                        batch = leases.claimNext(node, 7, true, TTL);
                        batch.forEach(run -> mine.add(run.id()));
                    } while (!batch.isEmpty());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        List<String> all = claimedBy.stream().flatMap(List::stream).toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(total);
        for (int n = 0; n < claimers; n++) {
            for (String id : claimedBy.get(n)) {
                assertThat(owner(id)).isEqualTo("node-" + n);
            }
        }
        assertThat(claimedBy).as("the claims were spread over the nodes").filteredOn(list -> !list.isEmpty())
                .hasSizeGreaterThan(1);
    }

    static Run withPriority(Run run, int priority) {
        return new Run(run.id(), run.tenantId(), run.workflowId(), run.workflowVersion(), run.status(), priority,
                run.inputs(), run.outputs(), run.error(), run.idempotencyKey(), run.parentRunId(), run.parentStepId(),
                run.createdAt(), run.startedAt(), run.finishedAt(), run.traceParent());
    }

    static Run childOf(Run parent, Run run) {
        return new Run(run.id(), run.tenantId(), run.workflowId(), run.workflowVersion(), run.status(),
                run.priority(), run.inputs(), run.outputs(), run.error(), run.idempotencyKey(), parent.id(), "map",
                run.createdAt(), run.startedAt(), run.finishedAt(), run.traceParent());
    }

    private static String owner(Run run) {
        return owner(run.id());
    }

    private static String owner(String runId) {
        return Databases.lease(stores, runId).owner();
    }

    private static Instant expiry(Run run) throws SQLException {
        return Databases.lease(stores, run.id()).expiresAt();
    }
}
