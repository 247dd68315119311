package dev.baton.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.ApiKeyStore;
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
    private final StoreConfig config;
    private final JdbcRunLeases leases;
    private final JdbcApiKeyStore apiKeys;
    private final JdbcAuditLog audit;

    private JdbcStores(HikariDataSource dataSource, StoreConfig config, InstantSource clock, String expectedVersion) {
        Dialect dialect = config.dialect();
        this.dataSource = dataSource;
        this.config = config;
        this.leases = dialect == Dialect.POSTGRESQL ? new JdbcRunLeases(dataSource) : null;
        this.expectedVersion = expectedVersion;
        this.dialect = dialect;
        this.runs = new JdbcRunStore(dataSource, dialect);
        this.workflows = new JdbcWorkflowStore(dataSource, clock);
        this.usage = new JdbcUsageStore(dataSource);
        this.analytics = new JdbcRunAnalytics(dataSource, dialect);
        this.apiKeys = new JdbcApiKeyStore(dataSource);
        this.audit = new JdbcAuditLog(dataSource, dialect);
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
        // A call waits at most connectionTimeout for a connection, then fails with STORE_UNAVAILABLE (retriable):
        // while the database is down or restarting, API calls fail fast (503) instead of hanging for Hikari's
        // default 30 s, and the journal retries its batch. A pooled connection idle for more than 500 ms is
        // validated (Connection.isValid, within validationTimeout) before it is lent, and one that fails with a
        // connection error (SQL state 08xxx, 57P01 "terminating connection" on a PostgreSQL restart) is evicted, so
        // once the database is back the pool refills with new connections by itself.
        long timeout = config.connectionTimeout().toMillis();
        pool.setConnectionTimeout(timeout);
        pool.setValidationTimeout(Math.max(250, Math.min(timeout / 2, 3_000)));
        // fail open() at once when the database cannot be reached (the caller retries opening)
        pool.setInitializationFailTimeout(1);
        if (dialect == Dialect.POSTGRESQL) {
            // update counts of batches tell JournalAppender which entries applied
            pool.addDataSourceProperty("reWriteBatchedInserts", "false");
            // a new connection to an unreachable host gives up within the timeout too (pgjdbc: whole seconds)
            pool.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, (timeout + 999) / 1000)));
            pool.addDataSourceProperty("tcpKeepAlive", "true");
            // A call whose answer does not come within socketTimeout (a partition without TCP reset: keep-alive
            // notices only after minutes) fails with SQL state 08006 -> STORE_UNAVAILABLE, and pgjdbc closes the
            // connection, which the pool then evicts and replaces. Without it an append, renew or claim would block
            // its thread (the journal writer, the heartbeat) until TCP gives up. Pooled connections only: the
            // LISTEN connection (PgClusterSignals) and Flyway's connections are opened from the URL.
            pool.addDataSourceProperty("socketTimeout", String.valueOf(config.socketTimeoutSeconds()));
            pool.addDataSourceProperty("ApplicationName", "baton");
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
        return new JdbcStores(dataSource, config, clock, expectedVersion);
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

    /** The stored API keys (table {@code api_keys}). */
    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    /** The append-only audit log (table {@code audit_log}). */
    public dev.baton.core.security.AuditLog audit() {
        return audit;
    }

    /** The pool, for tests and operations tooling in this package. */
    javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /**
     * The run leases of this database, for a node of a cluster (PostgreSQL; H2 supports one node only). The same
     * instance on every call.
     *
     * @throws dev.baton.core.error.BatonException INVALID_ARGUMENT on H2
     */
    public RunLeases leases() {
        if (leases == null) {
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "store.url: clustering needs PostgreSQL; the embedded"
                    + " H2 database serves one node only");
        }
        return leases;
    }

    /**
     * Wake-ups between the nodes sharing this database ({@code LISTEN/NOTIFY} on PostgreSQL, on a connection of
     * its own outside the pool, see {@link PgClusterSignals}); {@link ClusterSignals#NONE} on H2. A new instance on
     * every call, already listening (or retrying to); the caller closes it.
     */
    public ClusterSignals signals() {
        if (dialect != Dialect.POSTGRESQL) {
            return ClusterSignals.NONE;
        }
        return PgClusterSignals.start(config, dataSource);
    }

    /**
     * The AI gateway's token buckets shared by every node of this database ({@link JdbcBuckets}), so its rate
     * limits hold for the cluster. PostgreSQL only: on H2 (one node) the gateway keeps its buckets in memory.
     *
     * @param clock the time bucket refills are computed with (the gateway's clock)
     * @throws BatonException INVALID_ARGUMENT on H2
     */
    public JdbcBuckets gatewayBuckets(InstantSource clock) {
        requireSharedGatewayState();
        return new JdbcBuckets(dataSource, clock);
    }

    /**
     * The AI gateway's budget accounts shared by every node of this database ({@link JdbcBudgets}), so budgets hold
     * for the cluster. A new instance renewing its reservations in the background; the caller closes it.
     * PostgreSQL only: on H2 (one node) the gateway keeps its budgets in memory.
     *
     * @param reservationTtl how long the reservations of a node that stopped keep blocking the budget (measured by
     *                       the database's clock)
     * @throws BatonException INVALID_ARGUMENT on H2
     */
    public JdbcBudgets gatewayBudgets(java.time.Duration reservationTtl) {
        requireSharedGatewayState();
        return new JdbcBudgets(dataSource, reservationTtl);
    }

    private void requireSharedGatewayState() {
        if (dialect != Dialect.POSTGRESQL) {
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "store.url: gateway state shared between nodes"
                    + " needs PostgreSQL; the embedded H2 database serves one node, which keeps it in memory");
        }
    }

    /**
     * The {@code maxConcurrentRuns} slots of tenants and API keys in this database ({@link JdbcRunSlots}; H2 and
     * PostgreSQL), so the limits hold for every node sharing it.
     *
     * @param clock stamps claims
     */
    public JdbcRunSlots runSlots(InstantSource clock) {
        return new JdbcRunSlots(dataSource, dialect, clock);
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
