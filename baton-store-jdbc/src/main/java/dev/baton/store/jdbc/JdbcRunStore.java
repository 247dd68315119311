package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.store.Page;
import dev.baton.core.store.RunCursor;
import dev.baton.core.store.RunQuery;
import dev.baton.core.store.RunStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static dev.baton.store.jdbc.RunRows.RUN_COLUMNS;

/**
 * A {@link RunStore} on a JDBC {@link DataSource} whose schema was migrated by {@link JdbcStores} (tables
 * {@code runs}, {@code step_attempts}, {@code run_events}).
 *
 * <p>Semantics are those of the shared contract (see {@code RunStoreContract}); {@link #append} is described in
 * {@link JournalAppender}: one transaction and a constant number of statements per call, whatever the number of
 * entries. Instants are stored to the microsecond: {@link #create} returns the run as stored, with its instants
 * truncated.
 *
 * <p>Thread-safe (each call borrows its own connection). Every SQL failure becomes
 * {@link BatonException} {@code STORE_UNAVAILABLE} (retriable) with the SQL state in its message. Rows map to
 * records in {@link RunRows}.
 */
public final class JdbcRunStore implements RunStore {
    private static final int TRANSIENT_RETRIES = 3;

    private final DataSource dataSource;
    private final JournalAppender appender;
    private final String insertRun;

    /**
     * @param dataSource connections to a database migrated with {@link Dialect#migrations()}
     * @param dialect    the database's dialect
     */
    public JdbcRunStore(DataSource dataSource, Dialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.appender = new JournalAppender(Objects.requireNonNull(dialect, "dialect"));
        this.insertRun = RunRows.insertRun(dialect);
    }

    @Override
    public Run create(Run run) {
        checkRun(run);
        Run stored = RunRows.stored(run);
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(insertRun)) {
                RunRows.bindRun(statement, stored);
                statement.executeUpdate();
                return stored;
            } catch (SQLException e) {
                if (SqlValues.isDuplicateKey(e)) {
                    return existing(run);
                }
                if (!SqlValues.isTransient(e) || attempt == TRANSIENT_RETRIES) {
                    throw SqlValues.failure("create run " + run.id(), e);
                }
            }
        }
    }

    /**
     * Stores many runs in one transaction: runs whose (tenant, idempotency key) is already stored, or repeated in
     * {@code runs}, resolve to the earlier run; the others are inserted with one batched statement. If an insert
     * collides with a run stored concurrently (or an already stored id), the transaction is rolled back and the
     * runs are created one by one, which resolves each collision as {@link #create} does.
     */
    @Override
    public List<Run> createAll(List<Run> runs) {
        Objects.requireNonNull(runs, "runs");
        if (runs.size() <= 1) {
            return runs.isEmpty() ? List.of() : List.of(create(runs.getFirst()));
        }
        for (Run run : runs) {
            checkRun(run);
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    List<Run> stored = insertAll(connection, runs);
                    connection.commit();
                    return stored;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (isDuplicateKey(e)) {
                    return runs.stream().map(this::create).toList();
                }
                if (!SqlValues.isTransient(e) || attempt == TRANSIENT_RETRIES) {
                    throw SqlValues.failure("create " + runs.size() + " runs", e);
                }
            }
        }
    }

    private List<Run> insertAll(Connection connection, List<Run> runs) throws SQLException {
        Map<String, Run> byKey = new HashMap<>();
        List<String> keys = runs.stream().map(Run::idempotencyKey).filter(Objects::nonNull).distinct().toList();
        if (!keys.isEmpty()) {
            String sql = "SELECT " + RUN_COLUMNS + " FROM runs WHERE idempotency_key IN ("
                    + String.join(", ", java.util.Collections.nCopies(keys.size(), "?")) + ")";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < keys.size(); i++) {
                    statement.setString(i + 1, keys.get(i));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        Run found = RunRows.readRun(rows);
                        byKey.put(found.tenantId() + '\u0000' + found.idempotencyKey(), found);
                    }
                }
            }
        }
        List<Run> result = new ArrayList<>(runs.size());
        Map<String, Run> byId = new HashMap<>();
        try (PreparedStatement insert = connection.prepareStatement(insertRun)) {
            int inserts = 0;
            for (Run run : runs) {
                String key = run.idempotencyKey() == null ? null : run.tenantId() + '\u0000' + run.idempotencyKey();
                Run earlier = key != null ? byKey.get(key) : null;
                Run sameId = byId.get(run.id());
                if (earlier == null && sameId != null && sameId.tenantId().equals(run.tenantId())) {
                    earlier = sameId;
                }
                if (earlier != null) {
                    result.add(earlier);
                    continue;
                }
                if (sameId != null) {
                    throw new BatonException(ErrorCode.CONFLICT, "run id '" + run.id()
                            + "' is already used by another tenant");
                }
                Run stored = RunRows.stored(run);
                RunRows.bindRun(insert, stored);
                insert.addBatch();
                inserts++;
                byId.put(stored.id(), stored);
                if (key != null) {
                    byKey.put(key, stored);
                }
                result.add(stored);
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
        }
        return result;
    }

    /** Whether a (possibly batched) insert failed on a unique key. */
    private static boolean isDuplicateKey(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    if (SqlValues.isDuplicateKey(next)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The run a duplicate-key failure collided with: same idempotency key in the tenant, or same id. */
    private Run existing(Run run) {
        Optional<Run> existing = run.idempotencyKey() == null ? Optional.empty()
                : findByIdempotencyKey(run.tenantId(), run.idempotencyKey());
        return existing.or(() -> find(run.tenantId(), run.id())).orElseThrow(() -> new BatonException(
                ErrorCode.CONFLICT, "run id '" + run.id() + "' is already used by another tenant"));
    }

    @Override
    public void append(List<JournalEntry> entries) {
        appendAs(entries, null);
    }

    /**
     * The fenced append: as {@link #append(List)}, and the lease owner read with the runs' row locks decides
     * (no extra statement): an entry other than {@code CancelRequested} of a run leased to another node refuses
     * the whole call with LEASE_LOST before anything is written.
     */
    @Override
    public void append(List<JournalEntry> entries, String nodeId) {
        appendAs(entries, Objects.requireNonNull(nodeId, "nodeId"));
    }

    private void appendAs(List<JournalEntry> entries, String nodeId) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return;
        }
        for (JournalEntry entry : entries) {
            if (entry instanceof JournalEntry.AttemptStarted e) {
                checkLength("stepId", e.stepId(), 300);
            } else if (entry instanceof JournalEntry.AttemptFinished e) {
                checkLength("stepId", e.stepId(), 300);
            }
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    appender.append(connection, entries, nodeId);
                    connection.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (!SqlValues.isTransient(e) || attempt == TRANSIENT_RETRIES) {
                    throw SqlValues.failure("append " + entries.size() + " journal entries"
                            + (nodeId == null ? "" : " of node " + nodeId), e);
                }
            }
        }
    }

    @Override
    public Optional<Run> find(String tenantId, String runId) {
        return queryRuns("find run", "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ? AND tenant_id = ?",
                runId, tenantId).stream().findFirst();
    }

    @Override
    public Optional<Run> findByIdempotencyKey(String tenantId, String idempotencyKey) {
        return queryRuns("find run by idempotency key",
                "SELECT " + RUN_COLUMNS + " FROM runs WHERE tenant_id = ? AND idempotency_key = ?",
                tenantId, idempotencyKey).stream().findFirst();
    }

    @Override
    public List<StepAttempt> attempts(String runId) {
        String sql = "SELECT run_id, step_id, attempt, status, input, output, error_code, error_message,"
                + " error_retriable, started_at, finished_at FROM step_attempts"
                + " WHERE run_no = (SELECT run_no FROM runs WHERE id = ?)"
                + " ORDER BY started_at, step_id, attempt";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, runId);
            List<StepAttempt> attempts = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    attempts.add(RunRows.readAttempt(rows));
                }
            }
            return attempts;
        } catch (SQLException e) {
            throw SqlValues.failure("read attempts of run " + runId, e);
        }
    }

    @Override
    public Page<Run> list(String tenantId, RunQuery query) {
        Objects.requireNonNull(query, "query");
        RunCursor cursor = query.cursor() == null ? null : RunCursor.decode(query.cursor());
        StringBuilder sql = new StringBuilder("SELECT ").append(RUN_COLUMNS).append(" FROM runs WHERE tenant_id = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(tenantId);
        if (query.workflowId() != null) {
            sql.append(" AND workflow_id = ?");
            parameters.add(query.workflowId());
        }
        if (query.status() != null) {
            sql.append(" AND status = ?");
            parameters.add(query.status().wireName());
        }
        if (query.createdAfter() != null) {
            sql.append(" AND created_at >= ?");
            parameters.add(query.createdAfter());
        }
        if (query.createdBefore() != null) {
            sql.append(" AND created_at < ?");
            parameters.add(query.createdBefore());
        }
        if (cursor != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            parameters.add(cursor.createdAt());
            parameters.add(cursor.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        parameters.add(query.limit() + 1);
        List<Run> runs = queryRuns("list runs", sql.toString(), parameters.toArray());
        if (runs.size() <= query.limit()) {
            return new Page<>(runs, null);
        }
        List<Run> items = runs.subList(0, query.limit());
        return new Page<>(items, RunCursor.after(items.getLast()).encode());
    }

    @Override
    public List<Run> unfinished() {
        return queryRuns("list unfinished runs", "SELECT " + RUN_COLUMNS + " FROM runs"
                + " WHERE status IN ('queued', 'running') ORDER BY created_at, id");
    }

    @Override
    public List<RunEvent> events(String runId, long afterSequence, int limit) {
        if (afterSequence < 0) {
            throw BatonException.invalidInput("afterSequence", "must be >= 0, got " + afterSequence);
        }
        if (limit < 1) {
            throw BatonException.invalidInput("limit", "must be >= 1, got " + limit);
        }
        String sql = "SELECT seq, type, payload, at FROM run_events WHERE run_no = (SELECT run_no FROM runs WHERE id = ?)"
                + " AND seq > ? ORDER BY seq LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, runId);
            statement.setLong(2, afterSequence);
            statement.setInt(3, limit);
            List<RunEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(new RunEvent(rows.getLong("seq"), JournalCodec.decode(runId, rows.getString("type"),
                            rows.getString("payload"), SqlValues.getInstant(rows, "at"))));
                }
            }
            return events;
        } catch (SQLException e) {
            throw SqlValues.failure("read events of run " + runId, e);
        }
    }

    private List<Run> queryRuns(String operation, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof Instant instant) {
                    SqlValues.setInstant(statement, i + 1, instant);
                } else {
                    statement.setObject(i + 1, parameters[i]);
                }
            }
            List<Run> runs = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    runs.add(RunRows.readRun(rows));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw SqlValues.failure(operation, e);
        }
    }

    /** Rejects a null run and values longer than their columns, before any statement runs. */
    private static void checkRun(Run run) {
        Objects.requireNonNull(run, "run");
        checkLength("id", run.id(), 64);
        checkLength("tenantId", run.tenantId(), 64);
        checkLength("workflowId", run.workflowId(), 200);
        checkLength("idempotencyKey", run.idempotencyKey(), 255);
        checkLength("parentStepId", run.parentStepId(), 300);
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw BatonException.invalidInput(field, "must be at most " + max + " characters, got " + value.length());
        }
    }
}
