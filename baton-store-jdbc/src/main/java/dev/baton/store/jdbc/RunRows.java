package dev.baton.store.jdbc;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The mapping between {@link Run}/{@link StepAttempt} records and the rows of the {@code runs} and
 * {@code step_attempts} tables, for {@link JdbcRunStore}: the columns read and written, binding a run to the
 * insert statement and reading runs and attempts from result sets. Stateless.
 */
final class RunRows {
    /** The columns of {@code runs} a {@link Run} is read from, in the order the insert binds them. */
    static final String RUN_COLUMNS = "id, tenant_id, workflow_id, workflow_version, status, priority, inputs,"
            + " outputs, error_code, error_message, error_retriable, idempotency_key, parent_run_id, parent_step_id,"
            + " created_at, started_at, finished_at, trace_parent";

    private RunRows() {
    }

    /** The statement inserting one run with {@link #bindRun}, its event sequence at 0. */
    static String insertRun(Dialect dialect) {
        return "INSERT INTO runs (" + RUN_COLUMNS + ", event_seq) VALUES (?, ?, ?, ?, ?, ?, " + dialect.json()
                + ", " + dialect.json() + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)";
    }

    /** Binds the run's values to the parameters of {@link #insertRun}. */
    static void bindRun(PreparedStatement statement, Run run) throws SQLException {
        statement.setString(1, run.id());
        statement.setString(2, run.tenantId());
        statement.setString(3, run.workflowId());
        statement.setInt(4, run.workflowVersion());
        statement.setString(5, run.status().wireName());
        statement.setInt(6, run.priority());
        SqlValues.setJson(statement, 7, run.inputs());
        SqlValues.setJson(statement, 8, run.outputs());
        SqlValues.setError(statement, 9, run.error());
        statement.setString(12, run.idempotencyKey());
        statement.setString(13, run.parentRunId());
        statement.setString(14, run.parentStepId());
        SqlValues.setInstant(statement, 15, run.createdAt());
        SqlValues.setInstant(statement, 16, run.startedAt());
        SqlValues.setInstant(statement, 17, run.finishedAt());
        statement.setString(18, run.traceParent());
    }

    /** The run in the current row of a result set selecting {@link #RUN_COLUMNS}. */
    static Run readRun(ResultSet rows) throws SQLException {
        return new Run(rows.getString("id"), rows.getString("tenant_id"), rows.getString("workflow_id"),
                rows.getInt("workflow_version"), RunStatus.fromWireName(rows.getString("status")),
                rows.getInt("priority"), SqlValues.getJson(rows, "inputs"), SqlValues.getJson(rows, "outputs"),
                SqlValues.getError(rows), rows.getString("idempotency_key"), rows.getString("parent_run_id"),
                rows.getString("parent_step_id"), SqlValues.getInstant(rows, "created_at"),
                SqlValues.getInstant(rows, "started_at"), SqlValues.getInstant(rows, "finished_at"),
                rows.getString("trace_parent"));
    }

    /** The attempt in the current row of a result set selecting the columns of {@code step_attempts}. */
    static StepAttempt readAttempt(ResultSet rows) throws SQLException {
        return new StepAttempt(rows.getString("run_id"), rows.getString("step_id"), rows.getInt("attempt"),
                AttemptStatus.fromWireName(rows.getString("status")),
                SqlValues.getJson(rows, "input"), SqlValues.getJson(rows, "output"),
                SqlValues.getError(rows), SqlValues.getInstant(rows, "started_at"),
                SqlValues.getInstant(rows, "finished_at"));
    }

    /** The run as it will read back: instants to the microsecond. */
    static Run stored(Run run) {
        return new Run(run.id(), run.tenantId(), run.workflowId(), run.workflowVersion(), run.status(), run.priority(),
                run.inputs(), run.outputs(), run.error(), run.idempotencyKey(), run.parentRunId(), run.parentStepId(),
                SqlValues.stored(run.createdAt()), SqlValues.stored(run.startedAt()),
                SqlValues.stored(run.finishedAt()), run.traceParent());
    }
}
