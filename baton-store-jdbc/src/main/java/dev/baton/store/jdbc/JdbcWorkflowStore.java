package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.store.WorkflowStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link WorkflowStore} on a JDBC {@link DataSource} whose schema was migrated by {@link JdbcStores} (tables
 * {@code workflows}: one row per workflow with its latest version and deleted flag, and {@code workflow_versions}:
 * the immutable sources).
 *
 * <p>Versions are numbered 1, 2, ... per (tenant, workflow id) and never reused, also across a delete. Saving the
 * latest version's source again returns that version (and lists a deleted workflow again). Concurrent saves of one
 * workflow are serialised by a row lock on {@code workflows}; the first save of a new workflow retries once if
 * another transaction created the row meanwhile.
 *
 * <p>Thread-safe. SQL failures become {@link BatonException} {@code STORE_UNAVAILABLE} (retriable).
 */
public final class JdbcWorkflowStore implements WorkflowStore {
    private static final int RETRIES = 5;
    private static final String VERSION_COLUMNS = "tenant_id, workflow_id, version, source, created_at";

    private final DataSource dataSource;
    private final InstantSource clock;

    /**
     * @param dataSource connections to a migrated database
     * @param clock      stamps new versions
     */
    public JdbcWorkflowStore(DataSource dataSource, InstantSource clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public StoredWorkflow save(String tenantId, String workflowId, String source) {
        checkIds(tenantId, workflowId);
        if (source == null || source.isBlank()) {
            throw BatonException.invalidInput("source", "must not be empty");
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    StoredWorkflow saved = save(connection, tenantId, workflowId, source);
                    connection.commit();
                    return saved;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                boolean retry = SqlValues.isDuplicateKey(e) || SqlValues.isTransient(e);
                if (!retry || attempt == RETRIES) {
                    throw SqlValues.failure("save workflow " + workflowId, e);
                }
            }
        }
    }

    private StoredWorkflow save(Connection connection, String tenantId, String workflowId, String source)
            throws SQLException {
        Instant now = SqlValues.stored(clock.instant());
        int latest;
        boolean deleted;
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT latest_version, deleted FROM workflows WHERE tenant_id = ? AND id = ? FOR UPDATE")) {
            lock.setString(1, tenantId);
            lock.setString(2, workflowId);
            try (ResultSet rows = lock.executeQuery()) {
                if (!rows.next()) {
                    return create(connection, tenantId, workflowId, source, now);
                }
                latest = rows.getInt("latest_version");
                deleted = rows.getBoolean("deleted");
            }
        }
        StoredWorkflow current = version(connection, tenantId, workflowId, latest).orElseThrow(() ->
                new BatonException(ErrorCode.INTERNAL,
                        "workflow " + workflowId + " lacks its latest version " + latest));
        if (current.source().equals(source)) {
            if (deleted) {
                updateWorkflow(connection, tenantId, workflowId, latest, now);
            }
            return current;
        }
        StoredWorkflow next = new StoredWorkflow(tenantId, workflowId, latest + 1, source, now);
        insertVersion(connection, next);
        updateWorkflow(connection, tenantId, workflowId, next.version(), now);
        return next;
    }

    private static StoredWorkflow create(Connection connection, String tenantId, String workflowId, String source,
                                         Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO workflows"
                + " (tenant_id, id, latest_version, deleted, created_at, updated_at) VALUES (?, ?, 1, FALSE, ?, ?)")) {
            insert.setString(1, tenantId);
            insert.setString(2, workflowId);
            SqlValues.setInstant(insert, 3, now);
            SqlValues.setInstant(insert, 4, now);
            insert.executeUpdate();
        }
        StoredWorkflow first = new StoredWorkflow(tenantId, workflowId, 1, source, now);
        insertVersion(connection, first);
        return first;
    }

    private static void insertVersion(Connection connection, StoredWorkflow version) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO workflow_versions (" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, version.tenantId());
            insert.setString(2, version.id());
            insert.setInt(3, version.version());
            insert.setString(4, version.source());
            SqlValues.setInstant(insert, 5, version.createdAt());
            insert.executeUpdate();
        }
    }

    private static void updateWorkflow(Connection connection, String tenantId, String workflowId, int latest,
                                       Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE workflows SET latest_version = ?,"
                + " deleted = FALSE, updated_at = ? WHERE tenant_id = ? AND id = ?")) {
            update.setInt(1, latest);
            SqlValues.setInstant(update, 2, now);
            update.setString(3, tenantId);
            update.setString(4, workflowId);
            update.executeUpdate();
        }
    }

    @Override
    public Optional<StoredWorkflow> latest(String tenantId, String workflowId) {
        return query("read workflow " + workflowId, "SELECT v.tenant_id, v.workflow_id, v.version, v.source,"
                + " v.created_at FROM workflows w JOIN workflow_versions v ON v.tenant_id = w.tenant_id"
                + " AND v.workflow_id = w.id AND v.version = w.latest_version"
                + " WHERE w.tenant_id = ? AND w.id = ? AND NOT w.deleted", tenantId, workflowId).stream().findFirst();
    }

    @Override
    public Optional<StoredWorkflow> version(String tenantId, String workflowId, int version) {
        try (Connection connection = dataSource.getConnection()) {
            return version(connection, tenantId, workflowId, version);
        } catch (SQLException e) {
            throw SqlValues.failure("read workflow " + workflowId + " version " + version, e);
        }
    }

    private static Optional<StoredWorkflow> version(Connection connection, String tenantId, String workflowId,
                                                    int version) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + VERSION_COLUMNS
                + " FROM workflow_versions WHERE tenant_id = ? AND workflow_id = ? AND version = ?")) {
            select.setString(1, tenantId);
            select.setString(2, workflowId);
            select.setInt(3, version);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    @Override
    public List<StoredWorkflow> list(String tenantId) {
        return query("list workflows", "SELECT v.tenant_id, v.workflow_id, v.version, v.source, v.created_at"
                + " FROM workflows w JOIN workflow_versions v ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id"
                + " AND v.version = w.latest_version WHERE w.tenant_id = ? AND NOT w.deleted ORDER BY w.id", tenantId);
    }

    @Override
    public boolean delete(String tenantId, String workflowId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE workflows SET deleted = TRUE,"
                     + " updated_at = ? WHERE tenant_id = ? AND id = ? AND NOT deleted")) {
            SqlValues.setInstant(update, 1, clock.instant());
            update.setString(2, tenantId);
            update.setString(3, workflowId);
            return update.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlValues.failure("delete workflow " + workflowId, e);
        }
    }

    private List<StoredWorkflow> query(String operation, String sql, String... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<StoredWorkflow> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(read(rows));
                }
            }
            return result;
        } catch (SQLException e) {
            throw SqlValues.failure(operation, e);
        }
    }

    private static StoredWorkflow read(ResultSet rows) throws SQLException {
        return new StoredWorkflow(rows.getString("tenant_id"), rows.getString("workflow_id"), rows.getInt("version"),
                rows.getString("source"), SqlValues.getInstant(rows, "created_at"));
    }

    private static void checkIds(String tenantId, String workflowId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw BatonException.invalidInput("tenantId", "must not be empty");
        }
        if (workflowId == null || workflowId.isBlank()) {
            throw BatonException.invalidInput("workflowId", "must not be empty");
        }
        if (tenantId.length() > 64) {
            throw BatonException.invalidInput("tenantId", "must be at most 64 characters");
        }
        if (workflowId.length() > 200) {
            throw BatonException.invalidInput("workflowId", "must be at most 200 characters");
        }
    }
}
