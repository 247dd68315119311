package dev.baton.store.jdbc;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static dev.baton.core.store.StoreFixtures.T0;
import static dev.baton.core.store.StoreFixtures.attemptStarted;
import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal fenced by run leases on a real PostgreSQL server: a node that lost a run cannot write it. */
class PostgresFencingTest {
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
    void the_owner_writes_its_runs() {
        Run run = runs.create(queued("t", "wf", 1));
        leases.claim(run.id(), "a", TTL);

        runs.append(List.of(runStarted(run, 1), attemptStarted(run, "s", 1, 2)), "a");

        assertThat(runs.events(run.id(), 0, 10)).hasSize(2);
    }

    @Test
    void a_node_that_lost_the_lease_is_refused_and_nothing_is_written() {
        Run run = runs.create(queued("t", "wf", 1));
        leases.claim(run.id(), "a", TTL);
        runs.append(List.of(runStarted(run, 1)), "a");
        Databases.expireLeases(stores, "a");
        leases.claim(run.id(), "b", TTL);

        assertThatThrownBy(() -> runs.append(List.of(attemptStarted(run, "s", 1, 2)), "a"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LEASE_LOST);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains(run.id()).contains("node b");
                });
        assertThat(runs.attempts(run.id())).isEmpty();
        assertThat(runs.events(run.id(), 0, 10)).hasSize(1);
    }

    @Test
    void one_fenced_run_refuses_the_whole_batch() {
        Run mine = runs.create(queued("t", "wf", 1));
        Run theirs = runs.create(queued("t", "wf", 2));
        leases.claim(mine.id(), "a", TTL);
        leases.claim(theirs.id(), "b", TTL);

        assertThatThrownBy(() -> runs.append(List.of(runStarted(mine, 1), runStarted(theirs, 2)), "a"))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.getMessage()).contains(theirs.id()).doesNotContain(mine.id()));
        assertThat(runs.find("t", mine.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
        assertThat(runs.events(mine.id(), 0, 10)).isEmpty();
    }

    @Test
    void any_node_may_request_the_cancel_of_a_run_it_does_not_hold() {
        Run run = runs.create(queued("t", "wf", 1));
        leases.claim(run.id(), "a", TTL);

        runs.append(List.of(new JournalEntry.CancelRequested(run.id(), "user", T0.plusMillis(5))), "b");

        assertThat(runs.events(run.id(), 0, 10)).singleElement()
                .satisfies(event -> assertThat(event.entry()).isInstanceOf(JournalEntry.CancelRequested.class));
    }

    @Test
    void runs_without_an_owner_are_not_fenced() {
        Run run = runs.create(queued("t", "wf", 1));

        runs.append(List.of(runStarted(run, 1)), "b");
        runs.append(List.of(attemptStarted(run, "s", 1, 2)));

        assertThat(runs.events(run.id(), 0, 10)).hasSize(2);
    }

    @Test
    void the_unfenced_append_writes_whoever_holds_the_run() {
        Run run = runs.create(queued("t", "wf", 1));
        leases.claim(run.id(), "a", TTL);

        runs.append(List.of(runStarted(run, 1)));

        assertThat(runs.find("t", run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    }
}
