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
                    "usage_records", "gateway_buckets", "gateway_budget_reservations", "gateway_budgets",
                    "api_keys", "run_slots", "run_slot_scopes"}) {
                statement.executeUpdate("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the test database", e);
        }
    }

    /** A run's lease as stored. */
    record Lease(String owner, java.time.Instant expiresAt) {
    }

    /** The lease columns of a run. */
    static Lease lease(JdbcStores stores, String runId) {
        try (Connection connection = stores.dataSource().getConnection();
             java.sql.PreparedStatement statement = connection.prepareStatement(
                     "SELECT lease_owner, lease_expires_at FROM runs WHERE id = ?")) {
            statement.setString(1, runId);
            try (java.sql.ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no run " + runId);
                }
                return new Lease(rows.getString(1), SqlValues.getInstant(rows, "lease_expires_at"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the lease of run " + runId, e);
        }
    }

    /**
     * Lets the leases of a node expire, as when it stops heartbeating: their expiry moves one second into the
     * database's past (instead of waiting for it).
     */
    static void expireLeases(JdbcStores stores, String nodeId) {
        try (Connection connection = stores.dataSource().getConnection();
             java.sql.PreparedStatement statement = connection.prepareStatement(
                     "UPDATE runs SET lease_expires_at = now() - INTERVAL '1 second' WHERE lease_owner = ?")) {
            statement.setString(1, nodeId);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot expire the leases of " + nodeId, e);
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
