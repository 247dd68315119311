package dev.baton.store.jdbc;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.AnalyticsWindow;
import dev.baton.core.store.ErrorCount;
import dev.baton.core.store.Percentiles;
import dev.baton.core.store.RunAnalytics;
import dev.baton.core.store.StepStats;
import dev.baton.core.store.TenantStats;
import dev.baton.core.store.WorkflowStats;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link RunAnalytics} in SQL over the tables of {@link JdbcRunStore}, the same on H2 2.x and PostgreSQL: counts
 * by status with {@code SUM(CASE ...)}, duration percentiles with the ordered-set aggregate
 * {@code PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY ...)}, top error codes with {@code ROW_NUMBER()} windows.
 *
 * <p>A workflow listing is three statements (figures, retries, error codes of the listed workflows), a step
 * listing two, a tenant one; each reads the runs of the window through the index on
 * {@code (tenant_id, created_at)} (or {@code (tenant_id, workflow_id, created_at)}) and their attempts by the
 * attempts' primary key. Result sizes are bounded by the limit and {@link RunAnalytics#TOP_ERRORS}.
 *
 * <p>Thread-safe (each statement borrows its own connection). SQL failures become {@code STORE_UNAVAILABLE}.
 */
public final class JdbcRunAnalytics implements RunAnalytics {
    private final ReadQueries sql;
    private final Dialect dialect;

    /**
     * @param dataSource connections to a database migrated with {@link Dialect#migrations()}
     * @param dialect    the database's dialect
     */
    public JdbcRunAnalytics(DataSource dataSource, Dialect dialect) {
        this.sql = new ReadQueries(Objects.requireNonNull(dataSource, "dataSource"));
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    @Override
    public List<WorkflowStats> workflows(String tenantId, AnalyticsWindow window, int limit) {
        RunAnalytics.checkFetch(limit);
        return figures(tenantId, window, null, limit);
    }

    @Override
    public Optional<WorkflowStats> workflow(String tenantId, String workflowId, AnalyticsWindow window) {
        Objects.requireNonNull(workflowId, "workflowId");
        return figures(tenantId, window, workflowId, 1).stream().findFirst();
    }

    @Override
    public List<StepStats> steps(String tenantId, String workflowId, AnalyticsWindow window, int limit) {
        RunAnalytics.checkFetch(limit);
        Objects.requireNonNull(workflowId, "workflowId");
        Scope scope = new Scope(tenantId, window).workflow(workflowId);
        String step = dialect.stepOf("a.step_id");
        String duration = "CASE WHEN a.finished_at IS NOT NULL AND a.status <> 'skipped' THEN "
                + dialect.microsBetween("a.started_at", "a.finished_at") + " END";
        List<Object> parameters = new ArrayList<>(scope.parameters());
        parameters.add(limit);
        Map<String, StepRow> rows = new LinkedHashMap<>();
        sql.query("read step analytics of workflow " + workflowId,
                "SELECT " + step + " AS step_key, " + countsBy("a.status", AttemptStatus.values())
                        + ", SUM(CASE WHEN a.attempt > 1 THEN 1 ELSE 0 END) AS retries, "
                        + ReadQueries.percentiles(duration, "p")
                        + " FROM step_attempts a JOIN runs r ON r.run_no = a.run_no WHERE " + scope.where()
                        + " GROUP BY " + step + " ORDER BY step_key LIMIT ?", parameters,
                result -> rows.put(result.getString("step_key"), new StepRow(
                        counts(result, AttemptStatus.class, AttemptStatus.values()), result.getLong("retries"),
                        ReadQueries.percentiles(result, "p"))));
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, List<ErrorCount>> errors = topErrors("read step error codes of workflow " + workflowId, step,
                "step_attempts a JOIN runs r ON r.run_no = a.run_no", "a.error_code", "a.run_id",
                "a.started_at DESC, a.run_id DESC", scope);
        List<StepStats> steps = new ArrayList<>(rows.size());
        rows.forEach((id, row) -> steps.add(new StepStats(id, row.byStatus(), row.retries(), row.duration(),
                errors.getOrDefault(id, List.of()))));
        return steps;
    }

    @Override
    public TenantStats tenant(String tenantId, AnalyticsWindow window) {
        Scope scope = new Scope(tenantId, window);
        Map<RunStatus, Long> byStatus = new EnumMap<>(RunStatus.class);
        sql.query("read run counts of tenant " + tenantId, "SELECT r.status, COUNT(*) AS n FROM runs r WHERE "
                        + scope.where() + " GROUP BY r.status", scope.parameters(),
                result -> byStatus.put(RunStatus.fromWireName(result.getString("status")), result.getLong("n")));
        return new TenantStats(tenantId, byStatus);
    }

    /** Workflow figures: of one workflow, or of the {@code limit} workflows with most runs. */
    private List<WorkflowStats> figures(String tenantId, AnalyticsWindow window, String workflowId, int limit) {
        Scope scope = new Scope(tenantId, window);
        if (workflowId != null) {
            scope = scope.workflow(workflowId);
        }
        String duration = "CASE WHEN r.started_at IS NOT NULL AND r.finished_at IS NOT NULL THEN "
                + dialect.microsBetween("r.started_at", "r.finished_at") + " END";
        List<Object> parameters = new ArrayList<>(scope.parameters());
        parameters.add(limit);
        Map<String, WorkflowRow> rows = new LinkedHashMap<>();
        sql.query("read workflow analytics", "SELECT r.workflow_id, COUNT(*) AS run_count, "
                        + countsBy("r.status", RunStatus.values()) + ", " + ReadQueries.percentiles(duration, "p")
                        + " FROM runs r WHERE " + scope.where()
                        + " GROUP BY r.workflow_id ORDER BY run_count DESC, r.workflow_id LIMIT ?", parameters,
                result -> rows.put(result.getString("workflow_id"), new WorkflowRow(
                        counts(result, RunStatus.class, RunStatus.values()), ReadQueries.percentiles(result, "p"))));
        if (rows.isEmpty()) {
            return List.of();
        }
        Scope listed = workflowId != null ? scope : scope.workflows(List.copyOf(rows.keySet()));
        Map<String, Long> retries = new HashMap<>();
        sql.query("read workflow retries", "SELECT r.workflow_id, COUNT(*) AS n FROM step_attempts a"
                        + " JOIN runs r ON r.run_no = a.run_no WHERE " + listed.where() + " AND a.attempt > 1"
                        + " GROUP BY r.workflow_id", listed.parameters(),
                result -> retries.put(result.getString("workflow_id"), result.getLong("n")));
        Map<String, List<ErrorCount>> errors = topErrors("read workflow error codes", "r.workflow_id", "runs r",
                "r.error_code", "r.id", "r.created_at DESC, r.id DESC", listed);
        List<WorkflowStats> stats = new ArrayList<>(rows.size());
        rows.forEach((id, row) -> stats.add(new WorkflowStats(id, row.byStatus(), row.duration(),
                retries.getOrDefault(id, 0L), errors.getOrDefault(id, List.of()))));
        return stats;
    }

    /**
     * The {@value RunAnalytics#TOP_ERRORS} most frequent error codes per group, each with its count and the run of
     * its most recent row ({@code latestFirst}).
     */
    private Map<String, List<ErrorCount>> topErrors(String operation, String group, String from, String code,
                                                    String runId, String latestFirst, Scope scope) {
        String codeOrder = dialect.codePointOrder("error_code");
        String statement = "SELECT group_key, error_code, n, run_id FROM ("
                + "SELECT group_key, error_code, n, run_id, ROW_NUMBER() OVER (PARTITION BY group_key ORDER BY n DESC, "
                + codeOrder + ") AS code_rank FROM ("
                + "SELECT " + group + " AS group_key, " + code + " AS error_code, " + runId + " AS run_id,"
                + " COUNT(*) OVER (PARTITION BY " + group + ", " + code + ") AS n,"
                + " ROW_NUMBER() OVER (PARTITION BY " + group + ", " + code + " ORDER BY " + latestFirst + ") AS latest"
                + " FROM " + from + " WHERE " + scope.where() + " AND " + code + " IS NOT NULL) coded"
                + " WHERE latest = 1) ranked WHERE code_rank <= " + TOP_ERRORS
                + " ORDER BY group_key, code_rank";
        Map<String, List<ErrorCount>> errors = new HashMap<>();
        sql.query(operation, statement, scope.parameters(), result -> errors
                .computeIfAbsent(result.getString("group_key"), k -> new ArrayList<>())
                .add(new ErrorCount(result.getString("error_code"), result.getLong("n"), result.getString("run_id"))));
        return errors;
    }

    /** {@code SUM(CASE WHEN <column> = '<status>' THEN 1 ELSE 0 END) AS n_<status>, ...}. */
    private static String countsBy(String column, Enum<?>[] statuses) {
        List<String> sums = new ArrayList<>();
        for (Enum<?> status : statuses) {
            String name = status.name().toLowerCase(java.util.Locale.ROOT);
            sums.add("SUM(CASE WHEN " + column + " = '" + name + "' THEN 1 ELSE 0 END) AS n_" + name);
        }
        return String.join(", ", sums);
    }

    private static <E extends Enum<E>> Map<E, Long> counts(ResultSet result, Class<E> type, E[] statuses)
            throws SQLException {
        Map<E, Long> counts = new EnumMap<>(type);
        for (E status : statuses) {
            counts.put(status, result.getLong("n_" + status.name().toLowerCase(java.util.Locale.ROOT)));
        }
        return Collections.unmodifiableMap(counts);
    }

    private record WorkflowRow(Map<RunStatus, Long> byStatus, Percentiles duration) {
    }

    private record StepRow(Map<AttemptStatus, Long> byStatus, long retries, Percentiles duration) {
    }

    /** The runs a statement reads (alias {@code r}): tenant, window, top-level or not, workflow(s). */
    private record Scope(String tenantId, AnalyticsWindow window, List<String> workflowIds) {
        Scope(String tenantId, AnalyticsWindow window) {
            this(Objects.requireNonNull(tenantId, "tenantId"), Objects.requireNonNull(window, "window"), List.of());
        }

        Scope workflow(String workflowId) {
            return new Scope(tenantId, window, List.of(workflowId));
        }

        Scope workflows(List<String> ids) {
            return new Scope(tenantId, window, ids);
        }

        String where() {
            StringBuilder where = new StringBuilder("r.tenant_id = ? AND r.created_at >= ? AND r.created_at < ?");
            if (!window.childRuns()) {
                where.append(" AND r.parent_run_id IS NULL");
            }
            if (workflowIds.size() == 1) {
                where.append(" AND r.workflow_id = ?");
            } else if (!workflowIds.isEmpty()) {
                where.append(" AND r.workflow_id IN (").append(String.join(", ",
                        Collections.nCopies(workflowIds.size(), "?"))).append(')');
            }
            return where.toString();
        }

        List<Object> parameters() {
            List<Object> parameters = new ArrayList<>();
            parameters.add(tenantId);
            parameters.add(window.from());
            parameters.add(window.to());
            parameters.addAll(workflowIds);
            return parameters;
        }
    }
}
