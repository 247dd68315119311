package dev.baton.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies a list of journal entries in one transaction with a constant number of round trips, whatever the
 * number of entries (group commit):
 * <ol>
 *   <li>lock the runs' rows ({@code SELECT ... FOR UPDATE}, one statement, in run_no order to avoid deadlocks)
 *       and read their internal number, status, event counter and lease owner; a missing run aborts with
 *       NOT_FOUND; when the call is fenced (a node id is given), an entry other than {@code CancelRequested} of a
 *       run leased to another node aborts with LEASE_LOST before anything is written (no extra statement: the
 *       lease owner comes with the lock);</li>
 *   <li>decide run-level entries in memory from the locked state;</li>
 *   <li>batch "insert if absent" for started attempts and a conditional update ({@code status = 'running'})
 *       for finished ones, then batch-insert finished attempts that had no row (skipped steps); the update
 *       counts say which entries applied, so a finished attempt never moves back;</li>
 *   <li>batch-insert an event for every applied entry, numbered from the run's counter;</li>
 *   <li>batch-update the runs (status, times, outputs, error, counter); once-set columns use
 *       {@code COALESCE} so they are never overwritten.</li>
 * </ol>
 * Requires drivers that report batch update counts (pgjdbc does unless {@code reWriteBatchedInserts} is on).
 */
final class JournalAppender {
    private static final String ATTEMPT_COLUMNS = "run_no, run_id, step_id, attempt, tenant_id, status, input, output,"
            + " error_code, error_message, error_retriable, started_at, finished_at";

    private final String lockRuns = "SELECT run_no, id, tenant_id, status, cancel_requested_at, event_seq, lease_owner"
            + " FROM runs"
            + " WHERE id = ANY(?) ORDER BY run_no FOR UPDATE";
    private final String insertAttempt;
    private final String finishAttempt;
    private final String insertEvent;
    private final String updateRun;

    JournalAppender(Dialect dialect) {
        String json = dialect.json();
        insertAttempt = "INSERT INTO step_attempts (" + ATTEMPT_COLUMNS + ") SELECT ?, ?, ?, ?, ?, ?, " + json + ", "
                + json + ", ?, ?, ?, ?, ? WHERE NOT EXISTS"
                + " (SELECT 1 FROM step_attempts WHERE run_no = ? AND step_id = ? AND attempt = ?)";
        finishAttempt = "UPDATE step_attempts SET status = ?, output = " + json + ", error_code = ?,"
                + " error_message = ?, error_retriable = ?, finished_at = ?"
                + " WHERE run_no = ? AND step_id = ? AND attempt = ? AND status = 'running'";
        insertEvent = "INSERT INTO run_events (run_no, run_id, seq, tenant_id, type, payload, at)"
                + " VALUES (?, ?, ?, ?, ?, " + json + ", ?)";
        updateRun = "UPDATE runs SET status = ?, started_at = COALESCE(started_at, ?),"
                + " finished_at = COALESCE(finished_at, ?), cancel_requested_at = COALESCE(cancel_requested_at, ?),"
                + " outputs = COALESCE(outputs, " + json + "), error_code = COALESCE(error_code, ?),"
                + " error_message = COALESCE(error_message, ?), error_retriable = COALESCE(error_retriable, ?),"
                + " event_seq = ? WHERE run_no = ?";
    }

    /**
     * Applies the entries on {@code connection}, which is in a transaction the caller commits (or rolls back when
     * this throws).
     *
     * @param nodeId the node writing, to fence the entries by run lease; {@code null} for an unfenced append
     * @throws BatonException NOT_FOUND for a missing run, LEASE_LOST for a run leased to another node
     */
    void append(Connection connection, List<JournalEntry> entries, String nodeId) throws SQLException {
        Map<String, RunRow> runs = lock(connection, entries);
        if (nodeId != null) {
            fence(entries, runs, nodeId);
        }
        boolean[] applied = new boolean[entries.size()];
        List<Integer> starts = new ArrayList<>();
        List<Integer> finishes = new ArrayList<>();
        Set<AttemptKey> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry entry = entries.get(i);
            RunRow run = runs.get(entry.runId());
            switch (entry) {
                case JournalEntry.RunStarted e -> applied[i] = run.start(e.at());
                case JournalEntry.RunFinished e -> applied[i] = run.finish(e);
                case JournalEntry.CancelRequested e -> applied[i] = run.requestCancel(e.at());
                case JournalEntry.AttemptStarted e -> {
                    // a second entry for an attempt already named in this batch cannot start it
                    if (seen.add(new AttemptKey(e.runId(), e.stepId(), e.attempt()))) {
                        starts.add(i);
                    }
                }
                case JournalEntry.AttemptFinished e -> {
                    seen.add(new AttemptKey(e.runId(), e.stepId(), e.attempt()));
                    finishes.add(i);
                }
            }
        }
        insertStartedAttempts(connection, entries, runs, starts, applied);
        List<Integer> withoutRow = finishAttempts(connection, entries, runs, finishes, applied);
        insertFinishedAttempts(connection, entries, runs, withoutRow, applied);
        insertEvents(connection, entries, runs, applied);
        updateRuns(connection, runs);
    }

    /** Refuses the whole call if an entry other than a cancel request targets a run another node holds. */
    private static void fence(List<JournalEntry> entries, Map<String, RunRow> runs, String nodeId) {
        for (JournalEntry entry : entries) {
            if (entry instanceof JournalEntry.CancelRequested) {
                continue;
            }
            RunRow run = runs.get(entry.runId());
            if (run.leaseOwner != null && !run.leaseOwner.equals(nodeId)) {
                throw new BatonException(ErrorCode.LEASE_LOST, "run " + run.id + " is leased to node "
                        + run.leaseOwner + ", not to " + nodeId + ": its journal entries were refused");
            }
        }
    }

    private Map<String, RunRow> lock(Connection connection, List<JournalEntry> entries) throws SQLException {
        Set<String> ids = new TreeSet<>();
        for (JournalEntry entry : entries) {
            ids.add(entry.runId());
        }
        Map<String, RunRow> runs = new HashMap<>(ids.size() * 2);
        try (PreparedStatement statement = connection.prepareStatement(lockRuns)) {
            statement.setArray(1, connection.createArrayOf("VARCHAR", ids.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    RunRow run = new RunRow(rows.getLong("run_no"), rows.getString("id"), rows.getString("tenant_id"),
                            RunStatus.fromWireName(rows.getString("status")),
                            rows.getObject("cancel_requested_at") != null, rows.getLong("event_seq"),
                            rows.getString("lease_owner"));
                    runs.put(run.id, run);
                }
            }
        }
        for (String id : ids) {
            if (!runs.containsKey(id)) {
                throw BatonException.notFound("run", id);
            }
        }
        return runs;
    }

    private void insertStartedAttempts(Connection connection, List<JournalEntry> entries, Map<String, RunRow> runs,
                                       List<Integer> starts, boolean[] applied) throws SQLException {
        if (starts.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(insertAttempt)) {
            for (int i : starts) {
                var e = (JournalEntry.AttemptStarted) entries.get(i);
                bindAttempt(statement, runs.get(e.runId()), e.stepId(), e.attempt(),
                        AttemptStatus.RUNNING, e.input(), null, null, e.at(), null);
                statement.addBatch();
            }
            markApplied(statement.executeBatch(), starts, applied);
        }
    }

    /** Finishes running attempts; returns the entries whose attempt had no running row. */
    private List<Integer> finishAttempts(Connection connection, List<JournalEntry> entries, Map<String, RunRow> runs,
                                         List<Integer> finishes, boolean[] applied) throws SQLException {
        if (finishes.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement statement = connection.prepareStatement(finishAttempt)) {
            for (int i : finishes) {
                var e = (JournalEntry.AttemptFinished) entries.get(i);
                statement.setString(1, e.status().wireName());
                SqlValues.setJson(statement, 2, e.output());
                SqlValues.setError(statement, 3, e.error());
                SqlValues.setInstant(statement, 6, e.at());
                statement.setLong(7, runs.get(e.runId()).runNo);
                statement.setString(8, e.stepId());
                statement.setInt(9, e.attempt());
                statement.addBatch();
            }
            markApplied(statement.executeBatch(), finishes, applied);
        }
        List<Integer> withoutRow = new ArrayList<>();
        for (int i : finishes) {
            if (!applied[i]) {
                withoutRow.add(i);
            }
        }
        return withoutRow;
    }

    /** Records finished attempts that were never started (skipped steps), unless a row exists. */
    private void insertFinishedAttempts(Connection connection, List<JournalEntry> entries, Map<String, RunRow> runs,
                                        List<Integer> withoutRow, boolean[] applied) throws SQLException {
        if (withoutRow.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(insertAttempt)) {
            for (int i : withoutRow) {
                var e = (JournalEntry.AttemptFinished) entries.get(i);
                bindAttempt(statement, runs.get(e.runId()), e.stepId(), e.attempt(), e.status(),
                        null, e.output(), e.error(), e.at(), e.at());
                statement.addBatch();
            }
            markApplied(statement.executeBatch(), withoutRow, applied);
        }
    }

    private static void bindAttempt(PreparedStatement statement, RunRow run, String stepId, int attempt, AttemptStatus status, JsonNode input, JsonNode output, StepError error, Instant startedAt, Instant finishedAt)
            throws SQLException {
        statement.setLong(1, run.runNo);
        statement.setString(2, run.id);
        statement.setString(3, stepId);
        statement.setInt(4, attempt);
        statement.setString(5, run.tenantId);
        statement.setString(6, status.wireName());
        SqlValues.setJson(statement, 7, input);
        SqlValues.setJson(statement, 8, output);
        SqlValues.setError(statement, 9, error);
        SqlValues.setInstant(statement, 12, startedAt);
        SqlValues.setInstant(statement, 13, finishedAt);
        statement.setLong(14, run.runNo);
        statement.setString(15, stepId);
        statement.setInt(16, attempt);
    }

    private void insertEvents(Connection connection, List<JournalEntry> entries, Map<String, RunRow> runs,
                              boolean[] applied) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertEvent)) {
            int batched = 0;
            for (int i = 0; i < entries.size(); i++) {
                if (!applied[i]) {
                    continue;
                }
                JournalEntry entry = entries.get(i);
                RunRow run = runs.get(entry.runId());
                run.changed = true;
                statement.setLong(1, run.runNo);
                statement.setString(2, run.id);
                statement.setLong(3, ++run.eventSeq);
                statement.setString(4, run.tenantId);
                statement.setString(5, JournalCodec.type(entry));
                statement.setString(6, JournalCodec.payload(entry));
                SqlValues.setInstant(statement, 7, entry.at());
                statement.addBatch();
                batched++;
            }
            if (batched > 0) {
                statement.executeBatch();
            }
        }
    }

    private void updateRuns(Connection connection, Map<String, RunRow> runs) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(updateRun)) {
            int batched = 0;
            for (RunRow run : runs.values()) {
                if (!run.changed) {
                    continue;
                }
                JournalEntry.RunFinished finished = run.finished;
                statement.setString(1, run.status.wireName());
                SqlValues.setInstant(statement, 2, run.startedAt);
                SqlValues.setInstant(statement, 3, finished == null ? null : finished.at());
                SqlValues.setInstant(statement, 4, run.cancelRequestedAt);
                SqlValues.setJson(statement, 5, finished == null ? null : finished.outputs());
                SqlValues.setError(statement, 6, finished == null ? null : finished.error());
                statement.setLong(9, run.eventSeq);
                statement.setLong(10, run.runNo);
                statement.addBatch();
                batched++;
            }
            if (batched > 0) {
                statement.executeBatch();
            }
        }
    }

    private static void markApplied(int[] counts, List<Integer> indexes, boolean[] applied) {
        for (int k = 0; k < counts.length; k++) {
            // SUCCESS_NO_INFO cannot tell; drivers used here report real counts
            applied[indexes.get(k)] = counts[k] > 0 || counts[k] == Statement.SUCCESS_NO_INFO;
        }
    }

    private record AttemptKey(String runId, String stepId, int attempt) {
    }

    /** A locked run row and the changes this append makes to it. */
    private static final class RunRow {
        final long runNo;
        final String id;
        final String tenantId;
        final String leaseOwner;
        RunStatus status;
        boolean cancelRequested;
        long eventSeq;
        boolean changed;
        Instant startedAt;
        Instant cancelRequestedAt;
        JournalEntry.RunFinished finished;

        RunRow(long runNo, String id, String tenantId, RunStatus status, boolean cancelRequested, long eventSeq,
               String leaseOwner) {
            this.runNo = runNo;
            this.leaseOwner = leaseOwner;
            this.id = id;
            this.tenantId = tenantId;
            this.status = status;
            this.cancelRequested = cancelRequested;
            this.eventSeq = eventSeq;
        }

        boolean start(Instant at) {
            if (status != RunStatus.QUEUED) {
                return false;
            }
            status = RunStatus.RUNNING;
            startedAt = at;
            return true;
        }

        boolean finish(JournalEntry.RunFinished e) {
            if (status.isTerminal()) {
                return false;
            }
            status = e.status();
            finished = e;
            return true;
        }

        boolean requestCancel(Instant at) {
            if (status.isTerminal() || cancelRequested) {
                return false;
            }
            cancelRequested = true;
            cancelRequestedAt = at;
            return true;
        }
    }
}
