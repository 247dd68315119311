package dev.baton.store.jdbc;

import dev.baton.core.store.Percentiles;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Runs the read-only statements of {@link JdbcRunAnalytics} and {@link JdbcUsageStore}: borrows a connection per
 * statement, binds the parameters, hands each row over and maps SQL failures to {@code STORE_UNAVAILABLE}. Also
 * the SQL and the reading of duration percentiles, so both compute them alike. Thread-safe.
 */
final class ReadQueries {
    private final DataSource dataSource;

    ReadQueries(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** What to do with one row. */
    @FunctionalInterface
    interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code sql} with {@code parameters} (strings, instants, integers, longs) and reads every row.
     *
     * @param operation what is being read, for the error message (e.g. {@code read workflow analytics})
     * @throws dev.baton.core.error.BatonException STORE_UNAVAILABLE on any SQL failure
     */
    void query(String operation, String sql, List<Object> parameters, RowReader reader) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                Object value = parameters.get(i);
                switch (value) {
                    case Instant instant -> SqlValues.setInstant(statement, i + 1, instant);
                    case Integer number -> statement.setInt(i + 1, number);
                    case Long number -> statement.setLong(i + 1, number);
                    case String text -> statement.setString(i + 1, text);
                    default -> throw new IllegalArgumentException("unsupported parameter " + value.getClass());
                }
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        } catch (SQLException e) {
            throw SqlValues.failure(operation, e);
        }
    }

    /**
     * The select items {@code <prefix>50, <prefix>95, <prefix>99}: {@code PERCENTILE_CONT} (H2 2.x and PostgreSQL)
     * of {@code micros}, a double precision expression in microseconds (NULL rows are ignored).
     */
    static String percentiles(String micros, String prefix) {
        return "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY " + micros + ") AS " + prefix + "50, "
                + "PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY " + micros + ") AS " + prefix + "95, "
                + "PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY " + micros + ") AS " + prefix + "99";
    }

    /**
     * The percentiles selected by {@link #percentiles(String, String)} in milliseconds, or {@code null} when the
     * group had no value. The database interpolates in floating point, which can put a higher percentile a rounding
     * error below a lower one; each is raised to the one before so that the figures stay ordered.
     */
    static Percentiles percentiles(ResultSet row, String prefix) throws SQLException {
        double p50 = row.getDouble(prefix + "50");
        if (row.wasNull()) {
            return null;
        }
        double p95 = Math.max(p50, row.getDouble(prefix + "95"));
        double p99 = Math.max(p95, row.getDouble(prefix + "99"));
        return new Percentiles(p50 / 1000, p95 / 1000, p99 / 1000);
    }
}
