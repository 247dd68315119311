package dev.baton.store.jdbc;

import dev.baton.gateway.usage.UsageDimension;
import dev.baton.gateway.usage.UsageLatency;
import dev.baton.gateway.usage.UsageQuery;
import dev.baton.gateway.usage.UsageRecord;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.gateway.usage.UsageTotals;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The gateway's {@link UsageStore} on a JDBC {@link DataSource} whose schema was migrated by {@link JdbcStores}
 * (table {@code usage_records}, one row per call, with its tenant and stored API key since V9).
 *
 * <p>{@link #append} inserts a batch in one transaction with one JDBC batch. {@link #summarize} is one
 * {@code GROUP BY} query, and so is {@link #latencies} ({@code PERCENTILE_CONT}); filters on principal, run,
 * workflow and model use the table's indexes. A missing run, workflow or step is stored as NULL, grouped under
 * {@code ""} and selected by the filter value {@code ""}. Text values longer than their column (e.g. a principal
 * over 200 characters) are cut to fit rather than failing the whole batch. Costs are double precision, summed by
 * the database.
 *
 * <p>Thread-safe. SQL failures become {@code STORE_UNAVAILABLE} (retriable).
 */
public final class JdbcUsageStore implements UsageStore {
    private static final String INSERT = "INSERT INTO usage_records (at, principal, run_id, workflow, step_id, alias,"
            + " deployment, provider, upstream_model, operation, input_tokens, output_tokens, estimated, cost_usd,"
            + " latency_us, ttft_us, cache_hit, error_code, tenant_id, key_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final ReadQueries reads;

    /** @param dataSource connections to a migrated database */
    public JdbcUsageStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.reads = new ReadQueries(dataSource);
    }

    @Override
    public void append(List<UsageRecord> records) {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (UsageRecord record : records) {
                    bind(insert, Objects.requireNonNull(record, "record"));
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlValues.failure("append " + records.size() + " usage records", e);
        }
    }

    private static void bind(PreparedStatement insert, UsageRecord record) throws SQLException {
        SqlValues.setInstant(insert, 1, record.at());
        insert.setString(2, fit(record.principal(), 200));
        insert.setString(3, fit(record.runId(), 64));
        insert.setString(4, fit(record.workflow(), 200));
        insert.setString(5, fit(record.stepId(), 300));
        insert.setString(6, fit(record.alias(), 200));
        insert.setString(7, fit(record.deployment(), 200));
        insert.setString(8, fit(record.provider(), 64));
        insert.setString(9, fit(record.upstreamModel(), 200));
        insert.setString(10, fit(record.operation(), 32));
        insert.setLong(11, record.inputTokens());
        insert.setLong(12, record.outputTokens());
        insert.setBoolean(13, record.estimated());
        insert.setDouble(14, record.costUsd());
        insert.setLong(15, micros(record.latency()));
        if (record.timeToFirstToken() == null) {
            insert.setNull(16, Types.BIGINT);
        } else {
            insert.setLong(16, micros(record.timeToFirstToken()));
        }
        insert.setBoolean(17, record.cacheHit());
        insert.setString(18, fit(record.errorCode(), 64));
        insert.setString(19, fit(record.tenantId(), 64));
        insert.setString(20, fit(record.keyId(), 64));
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1_000;
    }

    private static String fit(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }

    @Override
    public List<UsageTotals> summarize(UsageQuery query) {
        Objects.requireNonNull(query, "query");
        String key = keyExpression(query.groupBy());
        List<Object> parameters = new ArrayList<>();
        String sql = "SELECT " + key + " AS group_key, COUNT(*) AS calls,"
                + " SUM(CASE WHEN error_code IS NULL THEN 0 ELSE 1 END) AS errors,"
                + " SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END) AS cache_hits,"
                + " SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,"
                + " MAX(CASE WHEN estimated THEN 1 ELSE 0 END) AS estimated, SUM(cost_usd) AS cost_usd"
                + " FROM usage_records WHERE " + where(query, parameters)
                + " GROUP BY " + key + " ORDER BY cost_usd DESC, group_key ASC";
        List<UsageTotals> totals = new ArrayList<>();
        reads.query("summarize usage by " + wireName(query.groupBy()), sql, parameters, rows ->
                totals.add(new UsageTotals(rows.getString("group_key"), rows.getLong("calls"),
                        rows.getLong("errors"), rows.getLong("cache_hits"), rows.getLong("input_tokens"),
                        rows.getLong("output_tokens"), rows.getInt("estimated") == 1, rows.getDouble("cost_usd"))));
        return totals;
    }

    /** Latency percentiles with {@code PERCENTILE_CONT} (H2 2.x and PostgreSQL), microseconds turned into ms. */
    @Override
    public List<UsageLatency> latencies(UsageQuery query) {
        Objects.requireNonNull(query, "query");
        String key = keyExpression(query.groupBy());
        List<Object> parameters = new ArrayList<>();
        String sql = "SELECT " + key + " AS group_key, COUNT(*) AS calls,"
                + " SUM(CASE WHEN error_code IS NULL THEN 0 ELSE 1 END) AS errors, "
                + ReadQueries.percentiles("CAST(latency_us AS DOUBLE PRECISION)", "l") + ", "
                + ReadQueries.percentiles("CAST(ttft_us AS DOUBLE PRECISION)", "t")
                + " FROM usage_records WHERE " + where(query, parameters)
                + " GROUP BY " + key + " ORDER BY calls DESC, group_key ASC";
        List<UsageLatency> latencies = new ArrayList<>();
        reads.query("read usage latencies by " + wireName(query.groupBy()), sql, parameters, rows ->
                latencies.add(new UsageLatency(rows.getString("group_key"), rows.getLong("calls"),
                        rows.getLong("errors"), ReadQueries.percentiles(rows, "l"),
                        ReadQueries.percentiles(rows, "t"))));
        return latencies;
    }

    /** The WHERE condition of a query's time range and filters; adds their values to {@code parameters}. */
    private static String where(UsageQuery query, List<Object> parameters) {
        var sql = new StringBuilder("1 = 1");
        if (query.from() != null) {
            sql.append(" AND at >= ?");
            parameters.add(query.from());
        }
        if (query.to() != null) {
            sql.append(" AND at < ?");
            parameters.add(query.to());
        }
        for (Map.Entry<UsageDimension, String> filter : query.filter().entrySet()) {
            String column = column(filter.getKey());
            if (nullable(filter.getKey()) && filter.getValue().isEmpty()) {
                sql.append(" AND ").append(column).append(" IS NULL");
            } else {
                sql.append(" AND ").append(column).append(" = ?");
                parameters.add(filter.getValue());
            }
        }
        return sql.toString();
    }

    private static String wireName(UsageDimension dimension) {
        return dimension.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean nullable(UsageDimension dimension) {
        return dimension == UsageDimension.RUN || dimension == UsageDimension.WORKFLOW
                || dimension == UsageDimension.STEP || dimension == UsageDimension.API_KEY;
    }

    /** The grouping expression: NULL runs, workflows and steps form the group {@code ""}. */
    private static String keyExpression(UsageDimension dimension) {
        return switch (dimension) {
            case RUN, WORKFLOW, STEP, API_KEY -> "COALESCE(" + column(dimension) + ", '')";
            case PRINCIPAL, MODEL, DEPLOYMENT, PROVIDER, TENANT -> column(dimension);
        };
    }

    private static String column(UsageDimension dimension) {
        return switch (dimension) {
            case RUN -> "run_id";
            case WORKFLOW -> "workflow";
            case PRINCIPAL -> "principal";
            case MODEL -> "alias";
            case DEPLOYMENT -> "deployment";
            case PROVIDER -> "provider";
            case STEP -> "step_id";
            case TENANT -> "tenant_id";
            case API_KEY -> "key_id";
        };
    }
}
