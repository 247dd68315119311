package dev.baton.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Several nodes starting at once on one fresh PostgreSQL database: Flyway's advisory lock serialises them. */
class PostgresMigrationTest {
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @Test
    void three_nodes_migrating_one_fresh_database_at_once_all_succeed() throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE fresh");
        }
        StoreConfig config = StoreConfig.postgresql(postgres.getJdbcUrl("postgres", "fresh"), "postgres", "", 2);
        CountDownLatch go = new CountDownLatch(1);
        List<JdbcStores> opened = new ArrayList<>();
        try (ExecutorService nodes = Executors.newFixedThreadPool(3)) {
            List<Future<JdbcStores>> starts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                starts.add(nodes.submit(() -> {
                    go.await();
                    return JdbcStores.open(config);
                }));
            }
            go.countDown();
            for (Future<JdbcStores> start : starts) {
                opened.add(start.get());
            }
        }
        try {
            for (JdbcStores stores : opened) {
                // the newest migration of this build
                assertThat(stores.schema().applied()).isEqualTo(stores.schema().expected());
                assertThat(stores.schema().current()).isTrue();
            }
            try (Connection connection = postgres.getDatabase("postgres", "fresh").getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT version) FROM"
                         + " flyway_schema_history WHERE success AND version IS NOT NULL")) {
                rows.next();
                // V1..V9: each applied once
                assertThat(rows.getInt(2)).isEqualTo(9);
                assertThat(rows.getInt(1)).as("each migration applied once").isEqualTo(rows.getInt(2));
            }
            assertThat(opened.getFirst().leases().queuedRuns()).isZero();
        } finally {
            opened.forEach(JdbcStores::close);
        }
    }
}
