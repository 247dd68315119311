package dev.baton.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.AuditActions;
import dev.baton.core.security.AuditCursor;
import dev.baton.core.security.AuditEntry;
import dev.baton.core.security.AuditLog;
import dev.baton.core.security.AuditQuery;
import dev.baton.core.store.Page;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link AuditLog} on a JDBC {@link DataSource} whose schema was migrated by {@link JdbcStores} (table
 * {@code audit_log}, V8). Inserts and selects only: on PostgreSQL the table's triggers refuse UPDATE, DELETE and
 * TRUNCATE, so not even a defect here could rewrite it.
 *
 * <p>{@link #append} is one INSERT (autocommit) returning the identity. {@link #query} is one SELECT on the index
 * {@code (tenant_id, id DESC)} that reads {@code limit + 1} rows to know whether a next page exists; the action
 * filter is an exact match or the code-point range of its dotted prefix ({@link AuditActions#rangeStart}), which
 * needs no LIKE (so {@code %} and {@code _} in a filter are literal). Text longer than its column (a client's
 * {@code User-Agent}, a long target) is cut to fit rather than losing the entry: the returned entry is the stored
 * one. Instants are kept to the microsecond.
 *
 * <p>Thread-safe. SQL failures become {@code STORE_UNAVAILABLE} (retriable).
 */
public final class JdbcAuditLog implements AuditLog {
    private static final TypeReference<LinkedHashMap<String, String>> DETAILS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, tenant_id, at, actor, action, target, outcome, remote_address,"
            + " user_agent, request_id, details";

    private final DataSource dataSource;
    private final ReadQueries reads;
    private final String insert;

    /**
     * @param dataSource connections to a migrated database
     * @param dialect    the database's dialect (how a JSON parameter is bound)
     */
    public JdbcAuditLog(DataSource dataSource, Dialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.reads = new ReadQueries(dataSource);
        this.insert = "INSERT INTO audit_log (tenant_id, at, actor, action, target, outcome, remote_address,"
                + " user_agent, request_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " + dialect.json() + ")";
    }

    @Override
    public AuditEntry append(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        AuditEntry fitted = new AuditEntry(0, fit(entry.tenantId(), 64), SqlValues.stored(entry.at()),
                fit(entry.actor(), 200), fit(entry.action(), 64), fit(entry.target(), 300), fit(entry.outcome(), 16),
                fit(entry.remoteAddress(), 64), fit(entry.userAgent(), 300), fit(entry.requestId(), 128),
                entry.details());
        String details = writeDetails(fitted.details());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(insert, new String[] {"id"})) {
            statement.setString(1, fitted.tenantId());
            SqlValues.setInstant(statement, 2, fitted.at());
            statement.setString(3, fitted.actor());
            statement.setString(4, fitted.action());
            statement.setString(5, fitted.target());
            statement.setString(6, fitted.outcome());
            statement.setString(7, fitted.remoteAddress());
            statement.setString(8, fitted.userAgent());
            statement.setString(9, fitted.requestId());
            statement.setString(10, details);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new BatonException(ErrorCode.INTERNAL, "store: the audit entry was inserted without an id");
                }
                return withId(fitted, keys.getLong(1));
            }
        } catch (SQLException e) {
            throw SqlValues.failure("append an audit entry (" + fitted.action() + ")", e);
        }
    }

    @Override
    public Page<AuditEntry> query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE tenant_id = ?");
        parameters.add(query.tenantId());
        if (query.cursor() != null) {
            sql.append(" AND id < ?");
            parameters.add(AuditCursor.decode(query.cursor()).id());
        }
        if (query.action() != null) {
            sql.append(" AND (action = ? OR (action > ? AND action < ?))");
            parameters.add(query.action());
            parameters.add(AuditActions.rangeStart(query.action()));
            parameters.add(AuditActions.rangeEnd(query.action()));
        }
        if (query.actor() != null) {
            sql.append(" AND actor = ?");
            parameters.add(query.actor());
        }
        if (query.since() != null) {
            sql.append(" AND at >= ?");
            parameters.add(query.since());
        }
        if (query.until() != null) {
            sql.append(" AND at < ?");
            parameters.add(query.until());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        parameters.add(query.limit() + 1);
        List<AuditEntry> entries = new ArrayList<>(Math.min(query.limit() + 1, 64));
        reads.query("read the audit log", sql.toString(), parameters, rows -> entries.add(read(rows)));
        if (entries.size() <= query.limit()) {
            return new Page<>(entries, null);
        }
        List<AuditEntry> page = entries.subList(0, query.limit());
        return new Page<>(page, AuditCursor.after(page.getLast()).encode());
    }

    private static AuditEntry read(ResultSet rows) throws SQLException {
        return new AuditEntry(rows.getLong("id"), rows.getString("tenant_id"), SqlValues.getInstant(rows, "at"),
                rows.getString("actor"), rows.getString("action"), rows.getString("target"),
                rows.getString("outcome"), rows.getString("remote_address"), rows.getString("user_agent"),
                rows.getString("request_id"), readDetails(rows.getString("details")));
    }

    private static AuditEntry withId(AuditEntry entry, long id) {
        return new AuditEntry(id, entry.tenantId(), entry.at(), entry.actor(), entry.action(), entry.target(),
                entry.outcome(), entry.remoteAddress(), entry.userAgent(), entry.requestId(), entry.details());
    }

    private static String writeDetails(Map<String, String> details) {
        try {
            return SqlValues.JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new BatonException(ErrorCode.INTERNAL, "cannot serialise audit details: " + e.getOriginalMessage(),
                    e);
        }
    }

    private static Map<String, String> readDetails(String text) {
        try {
            return SqlValues.JSON.readValue(text, DETAILS);
        } catch (JsonProcessingException e) {
            throw new BatonException(ErrorCode.INTERNAL, "stored audit details are malformed: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The value cut to {@code length} characters, never in the middle of a surrogate pair. */
    private static String fit(String value, int length) {
        if (value == null || value.length() <= length) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(length - 1)) ? length - 1 : length;
        return value.substring(0, end);
    }
}
