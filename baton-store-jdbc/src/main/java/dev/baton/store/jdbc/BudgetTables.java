package dev.baton.store.jdbc;

import dev.baton.gateway.usage.BudgetAccount;
import dev.baton.gateway.usage.BudgetLedger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The statements of {@link JdbcBudgets} on the budget tables ({@code gateway_budgets} and
 * {@code gateway_budget_reservations}, migration V5): reserving on one account, creating an account's row from its
 * usage records, reading it, settling a reservation, locking accounts in id order, renewing and sweeping expired
 * reservations, and raising an account to what its usage records show. {@code JdbcBudgets} decides when each runs
 * (retries, transactions across accounts, the background upkeep); this class only knows the SQL.
 *
 * <p>Every method works on the connection it is given and leaves closing it to the caller; the ones that update
 * several accounts at once ({@link #settle}, {@link #sweepAll}) take their rows in id order in their own
 * transaction, as a reservation does (no deadlock). Expiry is stamped and compared in the database's time
 * ({@code clock_timestamp()}). PostgreSQL only. Thread-safe (no state but the holder id and the TTL).
 */
final class BudgetTables {
    private static final String RESERVE = """
            WITH admitted AS (
              UPDATE gateway_budgets SET reserved_tokens = reserved_tokens + ?, reserved_usd = reserved_usd + ?
               WHERE account = ?
                 AND (? <= 0 OR spent_tokens + reserved_tokens + ? <= ?)
                 AND (? <= 0 OR spent_usd + reserved_usd + ? <= ?)
              RETURNING account)
            INSERT INTO gateway_budget_reservations (id, account, holder, tokens, cost_usd, expires_at)
            SELECT ?, account, ?, ?, ?, clock_timestamp() + CAST(? AS double precision) * interval '1 millisecond' FROM admitted""";
    private static final String CREATE_FROM_USAGE = """
            INSERT INTO gateway_budgets (account, spent_tokens, spent_usd, reserved_tokens, reserved_usd)
            SELECT ?, COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(cost_usd), 0), 0, 0
              FROM usage_records WHERE %s = ? AND at >= ?
            ON CONFLICT (account) DO NOTHING""";
    private static final String SETTLE = """
            WITH released AS (
              DELETE FROM gateway_budget_reservations WHERE id = ? RETURNING account, tokens, cost_usd),
            accounts AS (
              SELECT a.account, COALESCE(r.tokens, 0) AS tokens, COALESCE(r.cost_usd, 0) AS cost_usd
                FROM unnest(CAST(? AS varchar[])) AS a(account) LEFT JOIN released r ON r.account = a.account)
            UPDATE gateway_budgets b
               SET reserved_tokens = b.reserved_tokens - a.tokens,
                   reserved_usd = GREATEST(0, b.reserved_usd - a.cost_usd),
                   spent_tokens = b.spent_tokens + ?, spent_usd = b.spent_usd + ?
              FROM accounts a WHERE b.account = a.account""";
    private static final String SWEEP = """
            WITH expired AS (
              DELETE FROM gateway_budget_reservations WHERE expires_at < clock_timestamp() %s RETURNING account, tokens, cost_usd),
            freed AS (
              SELECT account, SUM(tokens) AS tokens, SUM(cost_usd) AS cost_usd FROM expired GROUP BY account)
            UPDATE gateway_budgets b
               SET reserved_tokens = b.reserved_tokens - f.tokens,
                   reserved_usd = GREATEST(0, b.reserved_usd - f.cost_usd)
              FROM freed f WHERE b.account = f.account""";
    /** Locks budget rows in id order: settle and sweep take them in the order reservations do (no deadlock). */
    private static final String LOCK_ACCOUNTS = "SELECT account FROM gateway_budgets"
            + " WHERE account = ANY(CAST(? AS varchar[])) ORDER BY account FOR UPDATE";
    private static final String EXPIRED_ACCOUNTS = "SELECT DISTINCT account FROM gateway_budget_reservations"
            + " WHERE expires_at < clock_timestamp() ORDER BY account";
    private static final String RENEW = "UPDATE gateway_budget_reservations SET expires_at = clock_timestamp() + CAST(? AS double precision) * interval '1 millisecond'"
            + " WHERE holder = ? AND id = ANY(CAST(? AS varchar[]))";
    private static final String RECONCILE = """
            UPDATE gateway_budgets b
               SET spent_tokens = GREATEST(b.spent_tokens, u.tokens), spent_usd = GREATEST(b.spent_usd, u.cost_usd)
              FROM (SELECT COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens,
                           COALESCE(SUM(cost_usd), 0) AS cost_usd
                      FROM usage_records WHERE %s = ? AND at >= ?) u
             WHERE b.account = ? AND (b.spent_tokens < u.tokens OR b.spent_usd < u.cost_usd)""";
    private static final String READ = "SELECT spent_tokens, spent_usd, reserved_tokens, reserved_usd"
            + " FROM gateway_budgets WHERE account = ?";

    /** This instance's id, stamped on its reservation rows: only its own rows are renewed. */
    private final String holder;
    /** How long a reservation lives unless renewed. */
    private final Duration reservationTtl;

    BudgetTables(String holder, Duration reservationTtl) {
        this.holder = Objects.requireNonNull(holder, "holder");
        this.reservationTtl = Objects.requireNonNull(reservationTtl, "reservationTtl");
    }

    /**
     * Adds a reservation of {@code tokens} and {@code cost} USD to the account if it fits under the cap; whether it
     * did (false both when the account is full and when its row does not exist yet).
     */
    boolean tryReserve(Connection connection, String id, BudgetAccount account, long tokens, double cost)
            throws SQLException {
        try (PreparedStatement reserve = connection.prepareStatement(RESERVE)) {
            long maxTokens = account.cap().maxTokens();
            double maxCost = account.cap().maxCostUsd();
            reserve.setLong(1, tokens);
            reserve.setDouble(2, cost);
            reserve.setString(3, account.id());
            reserve.setLong(4, maxTokens);
            reserve.setLong(5, tokens);
            reserve.setLong(6, maxTokens);
            reserve.setDouble(7, maxCost);
            reserve.setDouble(8, cost);
            reserve.setDouble(9, maxCost);
            reserve.setString(10, id);
            reserve.setString(11, holder);
            reserve.setLong(12, tokens);
            reserve.setDouble(13, cost);
            reserve.setLong(14, reservationTtl.toMillis());
            return reserve.executeUpdate() == 1;
        }
    }

    /** Creates the account's row from its usage records; whether this call created it. */
    static boolean createFromUsage(Connection connection, BudgetAccount account) throws SQLException {
        try (PreparedStatement create = connection.prepareStatement(CREATE_FROM_USAGE.formatted(
                usageColumn(account)))) {
            create.setString(1, account.id());
            create.setString(2, account.value());
            SqlValues.setInstant(create, 3, periodStart(account));
            return create.executeUpdate() == 1;
        }
    }

    /** The column of {@code usage_records} that holds the account's principal or run id. */
    private static String usageColumn(BudgetAccount account) {
        return switch (account.dimension()) {
            case RUN -> "run_id";
            case PRINCIPAL -> "principal";
            case TENANT -> "tenant_id";
            case API_KEY -> "key_id";
            default -> throw new IllegalArgumentException("budget accounts are per principal, run, tenant or key, not "
                    + account.dimension());
        };
    }

    /** Where the account's period starts ({@link BudgetAccount#from()}), or the epoch for a lifetime account. */
    private static Instant periodStart(BudgetAccount account) {
        return account.from() == null ? Instant.EPOCH : account.from();
    }

    /** The account's spending and reservations, or {@code null} when its row does not exist yet. */
    static BudgetLedger.Spend read(Connection connection, String account) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, account);
            try (ResultSet row = read.executeQuery()) {
                return row.next() ? new BudgetLedger.Spend(row.getLong(1), row.getDouble(2), row.getLong(3),
                        row.getDouble(4)) : null;
            }
        }
    }

    /**
     * Settles reservation {@code id} on {@code accounts}: deletes its rows and moves their amounts from reserved to
     * spent, adding {@code tokens} and {@code cost} USD to each account's spending (also when the reservation
     * expired already). Several accounts are locked in id order first, in one transaction.
     */
    static void settle(Connection connection, String id, List<String> accounts, long tokens, double cost)
            throws SQLException {
        boolean several = accounts.size() > 1; // one row needs no lock order: one statement, one round trip
        if (several) {
            connection.setAutoCommit(false);
        }
        try (PreparedStatement settle = connection.prepareStatement(SETTLE)) {
            Array ids = connection.createArrayOf("varchar", accounts.stream().sorted().toArray());
            if (several) {
                lockAccounts(connection, ids);
            }
            settle.setString(1, id);
            settle.setArray(2, ids);
            settle.setLong(3, tokens);
            settle.setDouble(4, cost);
            settle.executeUpdate();
            if (several) {
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (several) {
                connection.rollback();
            }
            throw e;
        } finally {
            if (several) {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Locks the budget rows {@code ids} in id order, as a reservation does, before a statement that updates several
     * of them at once: its join would otherwise lock them in whatever order its plan produces, and a reservation
     * holding the day's row while waiting for the month's could deadlock with it.
     */
    private static void lockAccounts(Connection connection, Array ids) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(LOCK_ACCOUNTS)) {
            lock.setArray(1, ids);
            try (ResultSet rows = lock.executeQuery()) {
                while (rows.next()) {
                    // locked
                }
            }
        }
    }

    /** Extends the expiry of this holder's reservations {@code ids} by the reservation TTL from now. */
    void renew(Connection connection, Object[] ids) throws SQLException {
        try (PreparedStatement renew = connection.prepareStatement(RENEW)) {
            renew.setLong(1, reservationTtl.toMillis());
            renew.setString(2, holder);
            renew.setArray(3, connection.createArrayOf("varchar", ids));
            renew.executeUpdate();
        }
    }

    /**
     * Raises the account's spending to what its usage records since its period began add up to, when they show
     * more (never lowers it); whether it was raised (0 or 1).
     */
    static int raiseToUsage(Connection connection, BudgetAccount account) throws SQLException {
        try (PreparedStatement reconcile = connection.prepareStatement(RECONCILE.formatted(usageColumn(account)))) {
            reconcile.setString(1, account.value());
            SqlValues.setInstant(reconcile, 2, periodStart(account));
            reconcile.setString(3, account.id());
            return reconcile.executeUpdate();
        }
    }

    /** Deletes every expired reservation in one transaction, their accounts locked in id order; the accounts freed. */
    static int sweepAll(Connection connection) throws SQLException {
        List<String> expired = new ArrayList<>();
        try (PreparedStatement list = connection.prepareStatement(EXPIRED_ACCOUNTS);
             ResultSet rows = list.executeQuery()) {
            while (rows.next()) {
                expired.add(rows.getString(1));
            }
        }
        if (expired.isEmpty()) {
            return 0;
        }
        connection.setAutoCommit(false);
        try (PreparedStatement sweep = connection.prepareStatement(SWEEP.formatted(
                "AND account = ANY(CAST(? AS varchar[]))"))) {
            Array ids = connection.createArrayOf("varchar", expired.toArray());
            lockAccounts(connection, ids);
            sweep.setArray(1, ids);
            int freed = sweep.executeUpdate();
            connection.commit();
            return freed;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Deletes the expired reservations of {@code account}; the accounts freed (0 or 1). */
    static int sweep(Connection connection, String account) throws SQLException {
        try (PreparedStatement sweep = connection.prepareStatement(SWEEP.formatted("AND account = ?"))) {
            sweep.setString(1, account);
            return sweep.executeUpdate();
        }
    }
}
