package dev.baton.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Test databases: emptying the stores' tables, and a real PostgreSQL server per test class. */
final class Databases {
    private Databases() {
    }

    /** Deletes every row of the stores' tables (children first). */
    static void empty(JdbcStores stores) {
        try (Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (String table : new String[] {"run_events", "step_attempts", "runs", "workflow_versions", "workflows",
                    "usage_records", "gateway_buckets", "gateway_budget_reservations", "gateway_budgets"}) {
                statement.executeUpdate("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the test database", e);
        }
    }

    /** Starts a PostgreSQL server on a free loopback port (zonky embedded binaries). */
    static EmbeddedPostgres startPostgres() {
        try {
            return EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** The stores on the server's {@code postgres} database. */
    static JdbcStores openPostgres(EmbeddedPostgres postgres) {
        return JdbcStores.open(StoreConfig.postgresql(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 4));
    }
}
