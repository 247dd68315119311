package dev.baton.bench.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The round-trip counter between pgjdbc and a real PostgreSQL (zonky), and what pg_stat_statements sees. */
class WireCounterTest {
    private static BenchPostgres postgres;
    private static WireCounter counter;

    @BeforeAll
    static void start() throws Exception {
        postgres = BenchPostgres.start("off");
        counter = new WireCounter(postgres.port());
    }

    @AfterAll
    static void stop() throws Exception {
        counter.close();
        postgres.close();
    }

    private static Connection throughCounter() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + counter.port() + "/postgres",
                "postgres", "");
    }

    @Test
    void counts_one_round_trip_per_auto_commit_statement() throws Exception {
        try (Connection connection = throughCounter();
             PreparedStatement select = connection.prepareStatement("SELECT 1")) {
            WireCounter.Counts before = counter.counts();
            for (int i = 0; i < 3; i++) {
                try (ResultSet rows = select.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                }
            }
            WireCounter.Counts delta = counter.counts().minus(before);
            assertThat(delta.roundTrips()).isEqualTo(3);
            assertThat(delta.executes()).isEqualTo(3);
        }
    }

    @Test
    void counts_a_jdbc_batch_as_one_round_trip_of_several_executes() throws Exception {
        try (Connection connection = throughCounter()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TEMPORARY TABLE batch_rows (n int)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO batch_rows VALUES (?)")) {
                for (int i = 0; i < 5; i++) {
                    insert.setInt(1, i);
                    insert.addBatch();
                }
                WireCounter.Counts before = counter.counts();
                insert.executeBatch();
                WireCounter.Counts delta = counter.counts().minus(before);
                assertThat(delta.roundTrips()).isEqualTo(1);
                assertThat(delta.executes()).isEqualTo(5);
            }
        }
    }

    @Test
    void counts_a_transaction_as_its_statements_plus_the_commit() throws Exception {
        try (Connection connection = throughCounter()) {
            connection.setAutoCommit(false);
            WireCounter.Counts before = counter.counts();
            try (PreparedStatement select = connection.prepareStatement("SELECT 1");
                 ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
            }
            connection.commit();
            WireCounter.Counts delta = counter.counts().minus(before);
            // BEGIN travels with the first statement; COMMIT is a round trip of its own
            assertThat(delta.syncs() + delta.simpleQueries()).isGreaterThanOrEqualTo(delta.roundTrips());
            assertThat(delta.roundTrips()).as(delta.toString()).isEqualTo(2);
        }
    }

    @Test
    void statement_counts_leave_out_the_harness_role_and_nested_statements() throws Exception {
        String database = "counters_test";
        postgres.createDatabase(database);
        try (Connection admin = postgres.admin("postgres");
             Connection node = DriverManager.getConnection(postgres.url(database), BenchPostgres.ROLE,
                     BenchPostgres.ROLE);
             Connection harness = postgres.admin(database)) {
            try (Statement ddl = node.createStatement()) {
                ddl.execute("CREATE TABLE parent (id int PRIMARY KEY)");
                ddl.execute("CREATE TABLE child (id int REFERENCES parent (id))");
                ddl.execute("INSERT INTO parent VALUES (1)");
            }
            DatabaseCounters.resetStatements(admin);
            try (PreparedStatement insert = node.prepareStatement("INSERT INTO child VALUES (1)")) {
                insert.executeUpdate(); // its foreign-key check is a nested statement: not counted
                insert.executeUpdate();
            }
            try (Statement ignored = harness.createStatement()) {
                ignored.execute("SELECT count(*) FROM child"); // the harness's role: not counted
            }
            DatabaseCounters counters = DatabaseCounters.read(admin, database, 5);
            assertThat(counters.statements()).isEqualTo(2);
            assertThat(counters.top().getFirst().query()).startsWith("INSERT INTO child");
        }
    }
}
