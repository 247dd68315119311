package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.KeyCursor;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import dev.baton.core.store.Page;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An {@link ApiKeyStore} on a JDBC {@link DataSource} migrated by {@link JdbcStores} (table {@code api_keys}, V7):
 * one row per key with its prefix (unique), hash, roles (comma-separated ids), own quotas and times. Listing is a
 * keyset page by (created_at DESC, id DESC) over index {@code api_keys_by_tenant}; cursors are
 * {@link KeyCursor}s, portable with the in-memory store. Times are stored to the microsecond.
 *
 * <p>Thread-safe. SQL failures become {@link BatonException} {@code STORE_UNAVAILABLE} (retriable); a duplicate
 * id or prefix is {@code CONFLICT}.
 */
public final class JdbcApiKeyStore implements ApiKeyStore {
    private static final String COLUMNS = "id, tenant_id, name, prefix, hash, roles, requests_per_minute,"
            + " tokens_per_minute, max_concurrent_runs, daily_tokens, daily_cost_usd, monthly_tokens,"
            + " monthly_cost_usd, created_at, created_by, expires_at, last_used_at, revoked_at";

    private final DataSource dataSource;

    /** @param dataSource connections to a migrated database */
    public JdbcApiKeyStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public void create(ApiKey key) {
        Objects.requireNonNull(key, "key");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO api_keys (" + COLUMNS
                     + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.id());
            insert.setString(2, key.tenantId());
            insert.setString(3, key.name());
            insert.setString(4, key.prefix());
            insert.setString(5, key.hash());
            insert.setString(6, key.roles().stream().sorted().map(Role::id).collect(Collectors.joining(",")));
            Quotas quotas = key.quotas();
            insert.setLong(7, quotas.requestsPerMinute());
            insert.setLong(8, quotas.tokensPerMinute());
            insert.setInt(9, quotas.maxConcurrentRuns());
            insert.setLong(10, quotas.dailyTokens());
            insert.setDouble(11, quotas.dailyCostUsd());
            insert.setLong(12, quotas.monthlyTokens());
            insert.setDouble(13, quotas.monthlyCostUsd());
            SqlValues.setInstant(insert, 14, key.createdAt());
            insert.setString(15, key.createdBy());
            SqlValues.setInstant(insert, 16, key.expiresAt());
            SqlValues.setInstant(insert, 17, key.lastUsedAt());
            SqlValues.setInstant(insert, 18, key.revokedAt());
            insert.executeUpdate();
        } catch (SQLException e) {
            if (SqlValues.isDuplicateKey(e)) {
                throw new BatonException(ErrorCode.CONFLICT, "an API key with id " + key.id() + " or prefix "
                        + key.prefix() + " exists");
            }
            throw SqlValues.failure("create API key " + key.prefix(), e);
        }
    }

    @Override
    public Optional<ApiKey> findByPrefix(String prefix) {
        if (prefix == null) {
            return Optional.empty();
        }
        return first("find API key " + prefix, "SELECT " + COLUMNS + " FROM api_keys WHERE prefix = ?", prefix);
    }

    @Override
    public Optional<ApiKey> find(String tenantId, String id) {
        if (tenantId == null || id == null) {
            return Optional.empty();
        }
        return first("find API key " + id, "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ? AND id = ?",
                tenantId, id);
    }

    @Override
    public Page<ApiKey> list(String tenantId, String cursor, int limit) {
        if (limit < 1 || limit > 1000) {
            throw BatonException.invalidInput("limit", "must be 1..1000, got " + limit);
        }
        KeyCursor after = cursor == null ? null : KeyCursor.decode(cursor);
        String sql = "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ?"
                + (after == null ? "" : " AND (created_at < ? OR (created_at = ? AND id < ?))")
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        List<ApiKey> keys = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            select.setString(index++, tenantId);
            if (after != null) {
                SqlValues.setInstant(select, index++, after.createdAt());
                SqlValues.setInstant(select, index++, after.createdAt());
                select.setString(index++, after.id());
            }
            select.setInt(index, limit + 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(key(rows));
                }
            }
        } catch (SQLException e) {
            throw SqlValues.failure("list API keys", e);
        }
        if (keys.size() <= limit) {
            return new Page<>(keys, null);
        }
        List<ApiKey> page = keys.subList(0, limit);
        return new Page<>(page, KeyCursor.after(page.getLast()).encode());
    }

    @Override
    public Optional<ApiKey> revoke(String tenantId, String id, Instant at) {
        Objects.requireNonNull(at, "at");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE api_keys SET revoked_at = ?"
                     + " WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL")) {
            SqlValues.setInstant(update, 1, at);
            update.setString(2, tenantId);
            update.setString(3, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw SqlValues.failure("revoke API key " + id, e);
        }
        return find(tenantId, id);
    }

    @Override
    public void touch(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE api_keys SET last_used_at = ?"
                     + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
            SqlValues.setInstant(update, 1, at);
            update.setString(2, id);
            SqlValues.setInstant(update, 3, at);
            update.executeUpdate();
        } catch (SQLException e) {
            throw SqlValues.failure("record the use of API key " + id, e);
        }
    }

    private Optional<ApiKey> first(String operation, String sql, String... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(key(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlValues.failure(operation, e);
        }
    }

    private static ApiKey key(ResultSet rows) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String role : rows.getString("roles").split(",")) {
            roles.add(Role.parse("roles", role));
        }
        Quotas quotas = new Quotas(rows.getLong("requests_per_minute"), rows.getLong("tokens_per_minute"),
                rows.getInt("max_concurrent_runs"), rows.getLong("daily_tokens"), rows.getDouble("daily_cost_usd"),
                rows.getLong("monthly_tokens"), rows.getDouble("monthly_cost_usd"));
        return new ApiKey(rows.getString("id"), rows.getString("tenant_id"), rows.getString("name"),
                rows.getString("prefix"), rows.getString("hash"), roles, quotas,
                SqlValues.getInstant(rows, "created_at"), rows.getString("created_by"),
                SqlValues.getInstant(rows, "expires_at"), SqlValues.getInstant(rows, "last_used_at"),
                SqlValues.getInstant(rows, "revoked_at"));
    }
}
