package dev.baton.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.StepError;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Conversions between Baton values and SQL columns, and the mapping of SQL failures to the error model.
 * Instants are stored to the microsecond (PostgreSQL's precision), JSON as text.
 */
final class SqlValues {
    static final ObjectMapper JSON = new ObjectMapper();

    private SqlValues() {
    }

    /** The instant as stored: truncated to microseconds. */
    static Instant stored(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(stored(instant), ZoneOffset.UTC));
        }
    }

    static Instant getInstant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setJson(PreparedStatement statement, int index, JsonNode value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, writeJson(value));
        }
    }

    static String writeJson(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new BatonException(ErrorCode.INTERNAL, "cannot serialise a JSON value: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode getJson(ResultSet rows, String column) throws SQLException {
        String text = rows.getString(column);
        return text == null ? null : readJson(text);
    }

    static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BatonException(ErrorCode.INTERNAL, "stored JSON is malformed: " + e.getOriginalMessage(), e);
        }
    }

    static void setNullableBoolean(PreparedStatement statement, int index, Boolean value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BOOLEAN);
        } else {
            statement.setBoolean(index, value);
        }
    }

    /** Binds code, message, retriable of an error (three parameters from {@code index}), or three NULLs. */
    static void setError(PreparedStatement statement, int index, StepError error) throws SQLException {
        statement.setString(index, error == null ? null : error.code());
        statement.setString(index + 1, error == null ? null : error.message());
        setNullableBoolean(statement, index + 2, error == null ? null : error.retriable());
    }

    /** The error in columns {@code error_code}, {@code error_message}, {@code error_retriable}, or null. */
    static StepError getError(ResultSet rows) throws SQLException {
        String code = rows.getString("error_code");
        if (code == null) {
            return null;
        }
        return new StepError(code, rows.getString("error_message"), rows.getBoolean("error_retriable"));
    }

    /**
     * A SQL failure as Baton's retriable {@code STORE_UNAVAILABLE}, naming the operation and the SQL state. The
     * message holds the driver's first line only (no statement parameters, no connection credentials).
     */
    static BatonException failure(String operation, SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return new BatonException(ErrorCode.STORE_UNAVAILABLE,
                "store: " + operation + " failed (SQL state " + e.getSQLState() + "): " + message, true,
                java.util.List.of(), e);
    }

    /** Whether the failure is a unique-key violation (SQL state 23505 on H2 and PostgreSQL). */
    static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** Whether retrying the transaction may succeed: serialization failure, deadlock or lock timeout. */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("40") || "HYT00".equals(state) || e.getErrorCode() == 90131);
    }
}
