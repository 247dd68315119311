package dev.baton.store.jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Runs the read-only statements of the analytics: binds parameters, hands each row over, maps failures. */
final class AnalyticsQueries {
    private final DataSource dataSource;

    AnalyticsQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What to do with one row. */
    @FunctionalInterface
    interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code sql} with {@code parameters} (strings, instants, integers) and reads every row.
     *
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
}
