package dev.baton.store.jdbc;

import dev.baton.core.security.RunSlots;
import dev.baton.core.security.SlotReclaim;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * {@link RunSlots} in the tables {@code run_slot_scopes} and {@code run_slots} (migration V9), on H2 and
 * PostgreSQL: the {@code maxConcurrentRuns} quotas hold for every node of a shared database.
 *
 * <p><b>Claim</b> is one transaction: it locks the rows of its scopes ({@code SELECT ... FOR UPDATE}, in scope id
 * order, so two claims never deadlock; the rows are created beforehand, outside the transaction, when missing),
 * counts each scope's slots, and inserts one slot per scope only when every scope has room. While the lock is held
 * no other claim on those scopes (on any node) can count or insert, so concurrent starts are admitted one after
 * the other and never over the limit. Under READ COMMITTED each count sees every claim committed before the lock
 * was granted. <b>Bind</b>, <b>release</b> and reclaiming need no scope lock: they only remove slots or rename
 * them. One claim takes the slots of a whole batch of starts (one lock and one count per scope, one batched
 * insert). A scope found full is searched for slots to reclaim only when the caller's {@link RunSlots.Liveness}
 * allows it, so refused starts cost one short transaction each. It runs only for principals with a
 * {@code maxConcurrentRuns} quota.
 *
 * <p>Thread-safe. SQL failures are {@code STORE_UNAVAILABLE} (retriable).
 */
public final class JdbcRunSlots implements RunSlots {
    private static final String LOCK = "SELECT scope FROM run_slot_scopes WHERE scope = ? FOR UPDATE";
    private static final String COUNT = "SELECT COUNT(*) FROM run_slots WHERE scope = ?";
    private static final String HELD = "SELECT COUNT(*) FROM run_slots WHERE scope = ? AND holder";
    private static final String INSERT = "INSERT INTO run_slots (scope, holder, tenant_id, claimed_at)"
            + " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM run_slots WHERE scope = ? AND holder = ?)";
    private static final String DROP_DUPLICATES = "DELETE FROM run_slots WHERE holder = ? AND scope IN"
            + " (SELECT scope FROM run_slots WHERE holder = ?)";
    private static final String RENAME = "UPDATE run_slots SET holder = ?, tenant_id = ? WHERE holder = ?";
    private static final String RELEASE = "DELETE FROM run_slots WHERE holder = ?";
    private static final String LIST = "SELECT holder, tenant_id, claimed_at FROM run_slots WHERE scope = ?"
            + " ORDER BY claimed_at, holder";

    private final DataSource dataSource;
    private final Dialect dialect;
    private final InstantSource clock;

    /**
     * @param dataSource connections to a database migrated by {@link JdbcStores}
     * @param clock      stamps {@code claimed_at}
     */
    public JdbcRunSlots(DataSource dataSource, Dialect dialect, InstantSource clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void claim(List<String> holders, String tenantId, List<Scope> scopes, Liveness liveness) {
        Objects.requireNonNull(holders, "holders");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(liveness, "liveness");
        if (scopes.isEmpty() || holders.isEmpty()) {
            return;
        }
        List<Scope> ordered = scopes.stream().sorted(Comparator.comparing(Scope::id)).toList();
        SlotReclaim.claim(this, liveness, () -> tryClaim(holders, tenantId, ordered));
    }

    /** One claim transaction for every holder; the first full scope, or {@code null} when claimed. */
    private Scope tryClaim(List<String> holders, String tenantId, List<Scope> ordered) {
        try (Connection connection = dataSource.getConnection()) {
            for (Scope scope : ordered) {
                createScope(connection, scope.id());
            }
            connection.setAutoCommit(false);
            try {
                for (Scope scope : ordered) {
                    lock(connection, scope.id());
                }
                for (Scope scope : ordered) {
                    long room = scope.limit() - count(connection, scope.id());
                    // Holders already in the scope (a claim repeated) take nothing more; only asked when short.
                    if (room < holders.size() && room < missing(connection, scope.id(), holders)) {
                        connection.rollback();
                        return scope;
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    for (Scope scope : ordered) {
                        for (String holder : holders) {
                            insert.setString(1, scope.id());
                            insert.setString(2, holder);
                            insert.setString(3, tenantId);
                            SqlValues.setInstant(insert, 4, clock.instant());
                            insert.setString(5, scope.id());
                            insert.setString(6, holder);
                            insert.addBatch();
                        }
                    }
                    insert.executeBatch();
                }
                connection.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlValues.failure("claim a run slot", e);
        }
    }

    /** How many of {@code holders} hold no slot in {@code scope} yet (one statement, however many holders). */
    private static long missing(Connection connection, String scope, List<String> holders) throws SQLException {
        String sql = HELD + " IN (" + "?, ".repeat(holders.size() - 1) + "?)";
        try (PreparedStatement held = connection.prepareStatement(sql)) {
            held.setString(1, scope);
            for (int i = 0; i < holders.size(); i++) {
                held.setString(i + 2, holders.get(i));
            }
            try (ResultSet row = held.executeQuery()) {
                row.next();
                return holders.size() - row.getLong(1);
            }
        }
    }

    private static long count(Connection connection, String scope) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(COUNT)) {
            count.setString(1, scope);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private void createScope(Connection connection, String scope) throws SQLException {
        String sql = switch (dialect) {
            case H2 -> "MERGE INTO run_slot_scopes (scope) KEY (scope) VALUES (?)";
            case POSTGRESQL -> "INSERT INTO run_slot_scopes (scope) VALUES (?) ON CONFLICT (scope) DO NOTHING";
        };
        try (PreparedStatement create = connection.prepareStatement(sql)) {
            create.setString(1, scope);
            create.executeUpdate();
        }
    }

    private static void lock(Connection connection, String scope) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
            lock.setString(1, scope);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("run slot scope '" + scope + "' vanished", "08000");
                }
            }
        }
    }

    @Override
    public void bind(String pending, String runId, String tenantId) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement drop = connection.prepareStatement(DROP_DUPLICATES);
                 PreparedStatement rename = connection.prepareStatement(RENAME)) {
                drop.setString(1, pending);
                drop.setString(2, runId);
                drop.executeUpdate();
                rename.setString(1, runId);
                rename.setString(2, tenantId);
                rename.setString(3, pending);
                rename.executeUpdate();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlValues.failure("bind a run slot", e);
        }
    }

    @Override
    public void release(String holder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement release = connection.prepareStatement(RELEASE)) {
            release.setString(1, holder);
            release.executeUpdate();
        } catch (SQLException e) {
            throw SqlValues.failure("release a run slot", e);
        }
    }

    @Override
    public List<Slot> slots(String scope) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement list = connection.prepareStatement(LIST)) {
            list.setString(1, scope);
            List<Slot> slots = new ArrayList<>();
            try (ResultSet rows = list.executeQuery()) {
                while (rows.next()) {
                    slots.add(new Slot(rows.getString(1), rows.getString(2), SqlValues.getInstant(rows, "claimed_at")));
                }
            }
            return slots;
        } catch (SQLException e) {
            throw SqlValues.failure("list run slots", e);
        }
    }
}
