package dev.baton.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.store.RunAnalytics;
import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.store.RunStore;
import dev.baton.core.store.WorkflowStore;
import dev.baton.gateway.usage.UsageStore;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The JDBC stores over one connection pool, with the schema migrated. The composition root opens it once:
 *
 * <pre>{@code
 * try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(StoreConfig.DEFAULT_DATA_DIRECTORY))) {
 *     RunStore runs = stores.runs();
 *     WorkflowStore workflows = stores.workflows();
 *     UsageStore usage = stores.usage();
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #open} creates the H2 data directory if needed, starts a HikariCP pool and applies the Flyway
 * migrations of the database's dialect ({@code db/migration/h2} or {@code db/migration/postgresql}); opening an
 * already migrated database applies nothing. Thread-safe; {@link #close()} closes the pool (and so the embedded
 * H2 database).
 */
public final class JdbcStores implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final JdbcRunStore runs;
    private final JdbcWorkflowStore workflows;
    private final JdbcUsageStore usage;
    private final JdbcRunAnalytics analytics;
    private final String expectedVersion;

    private JdbcStores(HikariDataSource dataSource, Dialect dialect, InstantSource clock, String expectedVersion) {
        this.dataSource = dataSource;
        this.expectedVersion = expectedVersion;
        this.dialect = dialect;
        this.runs = new JdbcRunStore(dataSource, dialect);
        this.workflows = new JdbcWorkflowStore(dataSource, clock);
        this.usage = new JdbcUsageStore(dataSource);
        this.analytics = new JdbcRunAnalytics(dataSource, dialect);
    }

    /** Opens the stores with the system clock. */
    public static JdbcStores open(StoreConfig config) {
        return open(config, InstantSource.system());
    }

    /**
     * Opens the stores: pool, then migrations.
     *
     * @param clock stamps new workflow versions
     * @throws BatonException STORE_UNAVAILABLE when the database cannot be reached or migrated
     */
    public static JdbcStores open(StoreConfig config, InstantSource clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Dialect dialect = config.dialect();
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("baton-store");
        pool.setJdbcUrl(config.connectionUrl());
        pool.setUsername(config.user());
        pool.setPassword(config.password());
        pool.setMaximumPoolSize(config.poolSize());
        pool.setMinimumIdle(Math.min(2, config.poolSize()));
        pool.setAutoCommit(true);
        // also Hikari's login timeout: requests fail fast (STORE_UNAVAILABLE) while the database is down
        pool.setConnectionTimeout(config.connectionTimeout().toMillis());
        if (dialect == Dialect.POSTGRESQL) {
            // update counts of batches tell JournalAppender which entries applied
            pool.addDataSourceProperty("reWriteBatchedInserts", "false");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw unavailable("cannot connect to " + Dialect.redact(config.url()), e);
        }
        String expectedVersion;
        try {
            // Flyway holds one connection for its lock and migrates on another: with its own (unpooled)
            // connections, a pool of one connection is enough for the stores.
            Flyway flyway = Flyway.configure()
                    .dataSource(config.connectionUrl(), config.user(), config.password())
                    .locations("classpath:" + dialect.migrations())
                    .load();
            flyway.migrate();
            expectedVersion = newestMigration(flyway);
        } catch (FlywayException | IllegalStateException e) {
            dataSource.close();
            throw unavailable("cannot migrate the schema of " + Dialect.redact(config.url()), e);
        }
        return new JdbcStores(dataSource, dialect, clock, expectedVersion);
    }

    /** The newest versioned migration this build has (on the class path), as Flyway resolved it. */
    private static String newestMigration(Flyway flyway) {
        MigrationVersion newest = null;
        for (MigrationInfo migration : flyway.info().all()) {
            MigrationVersion version = migration.getVersion();
            if (version != null && migration.getState().isResolved()
                && (newest == null || version.compareTo(newest) > 0)) {
                newest = version;
            }
        }
        if (newest == null) {
            throw new IllegalStateException("no migration found under the class path");
        }
        return newest.getVersion();
    }

    /**
     * The schema's migration state, read from Flyway's history table: one indexed query, cheap enough for a
     * readiness probe every few seconds.
     *
     * @throws BatonException STORE_UNAVAILABLE when the database does not answer
     */
    public SchemaStatus schema() {
        // Flyway creates its table with lower-case quoted names on H2 and PostgreSQL alike.
        String sql = "select \"version\" from \"flyway_schema_history\" where \"success\" = true"
                     + " and \"version\" is not null order by \"installed_rank\" desc fetch first 1 rows only";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            return new SchemaStatus(rows.next() ? rows.getString(1) : null, expectedVersion);
        } catch (SQLException e) {
            throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "store: cannot read the schema version (SQL state "
                    + e.getSQLState() + "): " + firstLine(e.getMessage()), true, java.util.List.of(), e);
        }
    }

    private static BatonException unavailable(String what, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof SQLException)) {
            cause = cause.getCause();
        }
        String detail = cause instanceof SQLException sql
                ? " (SQL state " + sql.getSQLState() + "): " + firstLine(sql.getMessage())
                : ": " + firstLine(e.getMessage());
        return new BatonException(ErrorCode.STORE_UNAVAILABLE, "store: " + what + detail, true,
                java.util.List.of(), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The run store. */
    public RunStore runs() {
        return runs;
    }

    /** The workflow store. */
    public WorkflowStore workflows() {
        return workflows;
    }

    /** Figures about the runs of {@link #runs()}, computed in SQL. */
    public RunAnalytics analytics() {
        return analytics;
    }

    /** The AI gateway's usage store (table {@code usage_records}). */
    public UsageStore usage() {
        return usage;
    }

    /** The pool, for tests and operations tooling in this package. */
    javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /**
     * The run leases of this database, for a node of a cluster (PostgreSQL; H2 supports one node only).
     *
     * @throws dev.baton.core.error.BatonException INVALID_ARGUMENT on H2
     */
    public RunLeases leases() {
        throw new UnsupportedOperationException("leases: being built (issue 5)");
    }

    /**
     * Wake-ups between the nodes sharing this database ({@code LISTEN/NOTIFY} on PostgreSQL, on a connection of
     * its own outside the pool); {@link ClusterSignals#NONE} on H2. The caller closes it.
     */
    public ClusterSignals signals() {
        throw new UnsupportedOperationException("signals: being built (issue 5)");
    }

    /** The database's dialect. */
    public Dialect dialect() {
        return dialect;
    }

    /** Closes the pool; the stores must not be used afterwards. */
    @Override
    public void close() {
        dataSource.close();
    }
}
