package dev.baton.store.jdbc;

import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.baton.core.store.StoreFixtures.attemptStarted;
import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static dev.baton.core.store.StoreFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database round trips of the cluster operations, counted (the figures docs/store.md quotes): each lease
 * operation is one statement, and fencing adds none to the journal's append.
 */
class PostgresRoundTripsTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static EmbeddedPostgres postgres;
    private static JdbcStores stores;

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

    @Test
    void every_lease_operation_is_one_round_trip() {
        CountingDataSource counting = new CountingDataSource(stores.dataSource());
        JdbcRunLeases leases = new JdbcRunLeases(counting);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            runs.add(stores.runs().create(queued("t", "wf", i)));
        }

        leases.claim(runs.getFirst().id(), "a", TTL);
        assertThat(counting.take()).as("claim").isEqualTo(1);
        assertThat(leases.claimNext("a", 10, true, TTL)).hasSize(10);
        assertThat(counting.take()).as("claimNext of 10 runs").isEqualTo(1);
        leases.renew("a", Set.of(runs.get(0).id(), runs.get(1).id()), TTL);
        assertThat(counting.take()).as("renew of 11 runs").isEqualTo(1);
        leases.release("a", List.of(runs.get(0).id(), runs.get(1).id()));
        assertThat(counting.take()).as("release").isEqualTo(1);
        leases.queuedRuns();
        assertThat(counting.take()).as("queuedRuns").isEqualTo(1);
        leases.cancelRequested("a");
        assertThat(counting.take()).as("cancelRequested").isEqualTo(1);
    }

    @Test
    void a_fenced_append_costs_what_an_unfenced_one_does() {
        CountingDataSource counting = new CountingDataSource(stores.dataSource());
        JdbcRunStore store = new JdbcRunStore(counting, Dialect.POSTGRESQL);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Run run = stores.runs().create(queued("t", "wf", 100 + i));
            stores.leases().claim(run.id(), "a", TTL);
            store.append(List.of(runStarted(run, 1)), "a");
            runs.add(run);
        }
        counting.take();

        // a step's start of 10 runs in one batch: lock, insert attempts, insert events, update runs, commit
        store.append(runs.stream().<JournalEntry>map(run -> attemptStarted(run, "s", 1, 2)).toList(), "a");
        int fencedStart = counting.take();
        // a step's finish of 10 runs: lock, finish attempts, insert events, update runs, commit
        store.append(runs.stream().<JournalEntry>map(run -> succeeded(run, "s", 1, 3)).toList(), "a");
        int fencedFinish = counting.take();
        store.append(runs.stream().<JournalEntry>map(run -> attemptStarted(run, "t", 1, 4)).toList());
        int unfencedStart = counting.take();

        assertThat(fencedStart).isEqualTo(5);
        assertThat(fencedFinish).isEqualTo(5);
        assertThat(unfencedStart).isEqualTo(fencedStart);
    }

    @Test
    void the_claim_queries_are_served_by_the_partial_indexes() throws Exception {
        assertThat(plan(JdbcRunLeases.CLAIM_NEXT, 10, 10, "a", 1000L))
                .contains("runs_lease_expiry").contains("runs_claimable_queued");
        assertThat(plan(JdbcRunLeases.CLAIM_ORPHANS, 10, "a", 1000L)).contains("runs_lease_expiry");
        assertThat(plan(JdbcRunLeases.RENEW, "a", 1000L, new String[] {"r"})).contains("runs_lease_owner");
        assertThat(plan(JdbcRunLeases.CANCEL_REQUESTED, "a")).contains("runs_lease_owner");
        assertThat(plan(JdbcRunLeases.QUEUED_RUNS)).contains("Index Only Scan using runs_claimable_queued");
    }

    /** The plan PostgreSQL chooses when it avoids sequential scans (the test tables are too small to need one). */
    private static String plan(String sql, Object... parameters) throws java.sql.SQLException {
        try (java.sql.Connection connection = stores.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL enable_seqscan = off");
            }
            try (java.sql.PreparedStatement statement = connection.prepareStatement("EXPLAIN " + sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    if (parameters[i] instanceof String[] array) {
                        statement.setArray(i + 1, connection.createArrayOf("varchar", array));
                    } else {
                        statement.setObject(i + 1, parameters[i]);
                    }
                }
                StringBuilder plan = new StringBuilder();
                try (java.sql.ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                connection.rollback();
            }
        }
    }
}
