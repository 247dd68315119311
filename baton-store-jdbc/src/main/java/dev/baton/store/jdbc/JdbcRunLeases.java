package dev.baton.store.jdbc;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static dev.baton.store.jdbc.RunRows.RUN_COLUMNS;

/**
 * {@link RunLeases} on PostgreSQL: columns {@code runs.lease_owner} and {@code runs.lease_expires_at} (migration
 * V4), every operation one statement in its own (auto-commit) transaction, so one round trip each:
 * <ul>
 *   <li>{@link #claim}: a conditional {@code UPDATE ... RETURNING} (claimable: not terminal, and no owner, this
 *       owner, or an expired lease); a concurrent claim of the same run waits for the row lock and then re-checks
 *       the condition, so exactly one wins;</li>
 *   <li>{@link #claimNext}: CTEs picking orphans (index {@code runs_lease_expiry}) then unowned queued runs
 *       (index {@code runs_claimable_queued}) with {@code SELECT ... ORDER BY ... LIMIT n FOR UPDATE SKIP LOCKED},
 *       and one {@code UPDATE ... FROM} those rows {@code RETURNING} them: concurrent claimers skip each other's
 *       rows instead of waiting, so they get disjoint runs;</li>
 *   <li>{@link #renew}: locks the node's live runs in {@code run_no} order (the order the journal's append locks
 *       them, so the two cannot deadlock), extends their leases and, in the same statement, returns the ids of
 *       {@code held} that were not extended;</li>
 *   <li>{@link #release}: clears owner and expiry of the node's given live runs (same lock order);</li>
 *   <li>{@link #queuedRuns}: a count over the partial index of the queue (index-only scan);</li>
 *   <li>{@link #cancelRequested}: the node's live runs (index {@code runs_lease_owner}) with a cancel request.</li>
 * </ul>
 * Times are the database's: expiries are compared with {@code now()} (the statement's start, as every statement
 * is its own transaction) and set from {@code clock_timestamp()} (the time of the update itself, after any wait for
 * a row lock), so a lease never starts shorter than {@code ttl}.
 *
 * <p>Thread-safe (each call borrows its own connection). SQL failures become {@code STORE_UNAVAILABLE}
 * (retriable); serialization failures and deadlocks are retried here first, as in {@link JdbcRunStore}.
 */
final class JdbcRunLeases implements RunLeases {
    private static final int TRANSIENT_RETRIES = 3;
    private static final String LIVE = "status IN ('queued', 'running')";
    private static final String EXPIRY = "COALESCE(lease_expires_at, '-infinity'::timestamptz)";
    private static final String NEW_EXPIRY = "clock_timestamp() + CAST(? AS bigint) * INTERVAL '1 millisecond'";

    static final String CLAIM = "UPDATE runs SET lease_owner = ?, lease_expires_at = " + NEW_EXPIRY
            + " WHERE id = ? AND " + LIVE + " AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < now())"
            + " RETURNING " + RUN_COLUMNS;

    /** Orphans of any live status and unowned queued runs (a node with a free admission slot). */
    static final String CLAIM_NEXT = "WITH orphans AS (" + orphans("") + "),"
            + " queued AS (SELECT run_no, priority, created_at FROM runs"
            + " WHERE status = 'queued' AND lease_owner IS NULL ORDER BY priority DESC, created_at, run_no"
            + " LIMIT GREATEST(0, CAST(? AS integer) - (SELECT count(*) FROM orphans)) FOR UPDATE SKIP LOCKED),"
            + " picked AS (SELECT run_no, 0 AS tier, row_number() OVER (ORDER BY expiry, run_no) AS rank FROM orphans"
            + " UNION ALL SELECT run_no, 1, row_number() OVER (ORDER BY priority DESC, created_at, run_no) FROM queued)"
            + claimPicked();

    /** Orphans of RUNNING status only (a node without a free admission slot). */
    static final String CLAIM_ORPHANS = "WITH orphans AS (" + orphans(" AND status = 'running'") + "),"
            + " picked AS (SELECT run_no, 0 AS tier, row_number() OVER (ORDER BY expiry, run_no) AS rank FROM orphans)"
            + claimPicked();

    static final String RENEW = "WITH mine AS (SELECT run_no FROM runs WHERE lease_owner = ? AND " + LIVE
            + " ORDER BY run_no FOR UPDATE),"
            + " renewed AS (UPDATE runs r SET lease_expires_at = " + NEW_EXPIRY
            + " FROM mine WHERE r.run_no = mine.run_no RETURNING r.id)"
            + " SELECT held.id FROM unnest(CAST(? AS varchar[])) AS held(id)"
            + " WHERE NOT EXISTS (SELECT 1 FROM renewed WHERE renewed.id = held.id)";

    private static final String RELEASE = "WITH mine AS (SELECT run_no FROM runs WHERE id = ANY(?) AND lease_owner = ?"
            + " AND " + LIVE + " ORDER BY run_no FOR UPDATE)"
            + " UPDATE runs r SET lease_owner = NULL, lease_expires_at = NULL FROM mine WHERE r.run_no = mine.run_no";

    static final String QUEUED_RUNS = "SELECT count(*) FROM runs"
            + " WHERE status = 'queued' AND lease_owner IS NULL AND parent_run_id IS NULL";

    static final String CANCEL_REQUESTED = "SELECT id FROM runs WHERE lease_owner = ? AND " + LIVE
            + " AND cancel_requested_at IS NOT NULL";

    private final DataSource dataSource;

    /** @param dataSource connections to a PostgreSQL database migrated to V4 or later */
    JdbcRunLeases(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Live runs whose lease expired, or without a lease (released, or never leased) if RUNNING: oldest expiry
     * first, a run without a lease before all. The predicate repeats the one of index {@code runs_lease_expiry}.
     */
    private static String orphans(String andStatus) {
        return "SELECT run_no, " + EXPIRY + " AS expiry FROM runs"
                + " WHERE (status = 'running' OR (status = 'queued' AND lease_owner IS NOT NULL))" + andStatus
                + " AND " + EXPIRY + " < now() ORDER BY " + EXPIRY + ", run_no LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    private static String claimPicked() {
        return " UPDATE runs r SET lease_owner = ?, lease_expires_at = " + NEW_EXPIRY
                + " FROM picked WHERE r.run_no = picked.run_no RETURNING picked.tier, picked.rank, "
                + RUN_COLUMNS.replaceAll("(\\w+)", "r.$1");
    }

    @Override
    public Optional<Run> claim(String runId, String nodeId, Duration ttl) {
        Objects.requireNonNull(runId, "runId");
        checkNode(nodeId);
        long ttlMillis = checkTtl(ttl);
        return transact("claim run " + runId + " for node " + nodeId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(CLAIM)) {
                statement.setString(1, nodeId);
                statement.setLong(2, ttlMillis);
                statement.setString(3, runId);
                statement.setString(4, nodeId);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(RunRows.readRun(rows)) : Optional.<Run>empty();
                }
            }
        });
    }

    @Override
    public List<Run> claimNext(String nodeId, int limit, boolean includeQueued, Duration ttl) {
        checkNode(nodeId);
        long ttlMillis = checkTtl(ttl);
        if (limit < 1) {
            throw BatonException.invalidInput("limit", "must be >= 1, got " + limit);
        }
        return transact("claim runs for node " + nodeId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(includeQueued ? CLAIM_NEXT : CLAIM_ORPHANS)) {
                int i = 1;
                statement.setInt(i++, limit);
                if (includeQueued) {
                    statement.setInt(i++, limit);
                }
                statement.setString(i++, nodeId);
                statement.setLong(i, ttlMillis);
                List<Ranked> claimed = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        claimed.add(new Ranked(rows.getInt("tier"), rows.getLong("rank"), RunRows.readRun(rows)));
                    }
                }
                // RETURNING has no order: orphans first, each group in the order it was picked
                claimed.sort(Comparator.comparingInt(Ranked::tier).thenComparingLong(Ranked::rank));
                return claimed.stream().map(Ranked::run).toList();
            }
        });
    }

    @Override
    public Set<String> renew(String nodeId, Set<String> held, Duration ttl) {
        checkNode(nodeId);
        Objects.requireNonNull(held, "held");
        long ttlMillis = checkTtl(ttl);
        return transact("renew the leases of node " + nodeId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(RENEW)) {
                statement.setString(1, nodeId);
                statement.setLong(2, ttlMillis);
                statement.setArray(3, connection.createArrayOf("varchar", held.toArray()));
                Set<String> lost = new LinkedHashSet<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        lost.add(rows.getString(1));
                    }
                }
                return Set.copyOf(lost);
            }
        });
    }

    @Override
    public void release(String nodeId, Collection<String> runIds) {
        checkNode(nodeId);
        Objects.requireNonNull(runIds, "runIds");
        if (runIds.isEmpty()) {
            return;
        }
        transact("release " + runIds.size() + " runs of node " + nodeId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(RELEASE)) {
                statement.setArray(1, connection.createArrayOf("varchar", runIds.toArray()));
                statement.setString(2, nodeId);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public long queuedRuns() {
        return transact("count queued runs", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(QUEUED_RUNS);
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    @Override
    public Set<String> cancelRequested(String nodeId) {
        checkNode(nodeId);
        return transact("read the cancel requests of node " + nodeId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(CANCEL_REQUESTED)) {
                statement.setString(1, nodeId);
                Set<String> cancelled = new LinkedHashSet<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        cancelled.add(rows.getString(1));
                    }
                }
                return Set.copyOf(cancelled);
            }
        });
    }

    private <T> T transact(String operation, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            } catch (SQLException e) {
                if (!SqlValues.isTransient(e) || attempt == TRANSIENT_RETRIES) {
                    throw SqlValues.failure(operation, e);
                }
            }
        }
    }

    private static void checkNode(String nodeId) {
        if (nodeId == null || nodeId.isEmpty() || nodeId.length() > 64) {
            throw BatonException.invalidInput("nodeId", "must be 1..64 characters, got "
                    + (nodeId == null ? "null" : "'" + nodeId + "'"));
        }
    }

    private static long checkTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw BatonException.invalidInput("ttl", "must be > 0, got " + ttl);
        }
        return Math.max(1, ttl.toMillis());
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private record Ranked(int tier, long rank, Run run) {
    }
}
