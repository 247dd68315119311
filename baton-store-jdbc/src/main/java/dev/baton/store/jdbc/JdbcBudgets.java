package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.usage.BudgetAccount;
import dev.baton.gateway.usage.BudgetAccounts;
import dev.baton.gateway.usage.BudgetLedger;
import dev.baton.gateway.usage.UsageDimension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's budget accounts in PostgreSQL (tables {@code gateway_budgets} and
 * {@code gateway_budget_reservations}, migration V5), shared by every node of the database, so a key's or a
 * run's budget holds for the cluster.
 *
 * <p><b>Reserve</b> is one statement per account: a conditional {@code UPDATE} that adds the reservation only
 * if {@code spent + reserved + this reservation ≤ cap} (the row lock makes concurrent reservations on any node
 * wait for each other), chained to the {@code INSERT} of a reservation row. A call under a key budget and a run
 * budget reserves both in one transaction, accounts in id order (no deadlock between two such calls). The first
 * reservation on an account unknown to the database creates its row from the account's usage records
 * ({@code INSERT ... SELECT sum(...) FROM usage_records ... ON CONFLICT DO NOTHING}). <b>Settle</b> is one
 * statement: delete the call's reservation rows and move their amounts from reserved to spent.
 *
 * <p><b>Expiry.</b> Every reservation row names its holder (this instance, a random id per process) and expires
 * {@code reservationTtl} after it was made or last renewed. While the instance lives, a background task renews its
 * rows of calls still in flight every {@code reservationTtl / 3} and sweeps expired rows of any holder, giving their amounts back to their
 * accounts: the reservations of a node that died free its budgets within one {@code reservationTtl}. A refused
 * reservation sweeps its account's expired rows and tries once more, so a budget never stays blocked by a dead
 * node's calls. A call that settles after its reservation expired still adds what it spent. Time is the node's
 * injected clock (nodes' clocks must agree to well within the TTL).
 *
 * <p>Costs are double precision (as in {@code usage_records}). SQL failures are {@code STORE_UNAVAILABLE}
 * (retriable) for a reservation; a failed settlement is logged (its reservation then expires, and the call's
 * spend is missing from the account, though not from its usage record). PostgreSQL only. Thread-safe.
 */
public final class JdbcBudgets implements BudgetAccounts, AutoCloseable {
    /** The default lifetime of a reservation that is not renewed. */
    public static final Duration DEFAULT_RESERVATION_TTL = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBudgets.class);

    private static final String RESERVE = """
            WITH admitted AS (
              UPDATE gateway_budgets SET reserved_tokens = reserved_tokens + ?, reserved_usd = reserved_usd + ?
               WHERE account = ?
                 AND (? <= 0 OR spent_tokens + reserved_tokens + ? <= ?)
                 AND (? <= 0 OR spent_usd + reserved_usd + ? <= ?)
              RETURNING account)
            INSERT INTO gateway_budget_reservations (id, account, holder, tokens, cost_usd, expires_at)
            SELECT ?, account, ?, ?, ?, ? FROM admitted""";
    private static final String CREATE_FROM_USAGE = """
            INSERT INTO gateway_budgets (account, spent_tokens, spent_usd, reserved_tokens, reserved_usd)
            SELECT ?, COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(cost_usd), 0), 0, 0
              FROM usage_records WHERE %s = ?
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
              DELETE FROM gateway_budget_reservations WHERE expires_at < ? %s RETURNING account, tokens, cost_usd),
            freed AS (
              SELECT account, SUM(tokens) AS tokens, SUM(cost_usd) AS cost_usd FROM expired GROUP BY account)
            UPDATE gateway_budgets b
               SET reserved_tokens = b.reserved_tokens - f.tokens,
                   reserved_usd = GREATEST(0, b.reserved_usd - f.cost_usd)
              FROM freed f WHERE b.account = f.account""";
    private static final String RENEW = "UPDATE gateway_budget_reservations SET expires_at = ?"
            + " WHERE holder = ? AND id = ANY(CAST(? AS varchar[]))";
    private static final String READ = "SELECT spent_tokens, spent_usd, reserved_tokens, reserved_usd"
            + " FROM gateway_budgets WHERE account = ?";

    private final DataSource dataSource;
    private final InstantSource clock;
    private final Duration reservationTtl;
    private final String holder = UUID.randomUUID().toString();
    /** Ids of this instance's reservations not settled yet: only these are renewed. */
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService upkeep;

    /**
     * Accounts with reservations renewed and swept every {@code reservationTtl / 3} by a background thread.
     *
     * @param dataSource     connections to a PostgreSQL database migrated by {@link JdbcStores}
     * @param clock          stamps reservation expiry
     * @param reservationTtl how long a reservation outlives its holder: longer than a renewal can be late (a
     *                       store outage, a long GC pause), short enough for a dead node's calls to free the budget
     *                       soon; ≥ 3 s
     */
    public JdbcBudgets(DataSource dataSource, InstantSource clock, Duration reservationTtl) {
        this(dataSource, clock, reservationTtl, true);
    }

    /** As the public constructor; {@code scheduled = false} leaves {@link #upkeep()} to the caller (tests). */
    JdbcBudgets(DataSource dataSource, InstantSource clock, Duration reservationTtl, boolean scheduled) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reservationTtl = Objects.requireNonNull(reservationTtl, "reservationTtl");
        if (reservationTtl.compareTo(Duration.ofSeconds(3)) < 0) {
            throw BatonException.invalidInput("reservationTtl", "must be at least 3 s, got " + reservationTtl);
        }
        if (scheduled) {
            upkeep = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("baton-budget-upkeep")
                    .factory());
            long every = reservationTtl.toMillis() / 3;
            upkeep.scheduleWithFixedDelay(this::upkeepQuietly, every, every, TimeUnit.MILLISECONDS);
        } else {
            upkeep = null;
        }
    }

    @Override
    public Hold reserve(List<BudgetAccount> accounts, long tokens, double costUsd) {
        List<BudgetAccount> ordered = accounts.stream().sorted(Comparator.comparing(BudgetAccount::id)).toList();
        String id = UUID.randomUUID().toString();
        try (Connection connection = dataSource.getConnection()) {
            boolean transaction = ordered.size() > 1;
            if (transaction) {
                connection.setAutoCommit(false);
            }
            try {
                for (BudgetAccount account : ordered) {
                    String refusal = reserveOne(connection, id, account, tokens, costUsd);
                    if (refusal != null) {
                        if (transaction) {
                            connection.rollback();
                        }
                        throw new BatonException(ErrorCode.BUDGET_EXCEEDED, refusal);
                    }
                }
                if (transaction) {
                    connection.commit();
                }
            } catch (SQLException | RuntimeException e) {
                if (transaction) {
                    connection.rollback();
                }
                throw e;
            } finally {
                if (transaction) {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw SqlValues.failure("reserve a gateway budget", e);
        }
        live.add(id);
        List<String> ids = ordered.stream().map(BudgetAccount::id).toList();
        return (usedTokens, usedCost) -> settle(id, ids, usedTokens, usedCost);
    }

    /** Reserves on one account; the refusal message, or {@code null} when reserved. */
    private String reserveOne(Connection connection, String id, BudgetAccount account, long tokens, double cost)
            throws SQLException {
        if (tryReserve(connection, id, account, tokens, cost)) {
            return null;
        }
        if (createFromUsage(connection, account) && tryReserve(connection, id, account, tokens, cost)) {
            return null;
        }
        if (sweep(connection, account.id()) > 0 && tryReserve(connection, id, account, tokens, cost)) {
            return null;
        }
        BudgetLedger.Spend now = read(connection, account.id());
        String refusal = now == null ? null : account.refusal(now, tokens, cost);
        return refusal != null ? refusal : account.name() + " would be exceeded by this call (" + tokens
                + " tokens reserved)";
    }

    private boolean tryReserve(Connection connection, String id, BudgetAccount account, long tokens, double cost)
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
            SqlValues.setInstant(reserve, 14, clock.instant().plus(reservationTtl));
            return reserve.executeUpdate() == 1;
        }
    }

    /** Creates the account's row from its usage records; whether this call created it. */
    private static boolean createFromUsage(Connection connection, BudgetAccount account) throws SQLException {
        String column = account.dimension() == UsageDimension.RUN ? "run_id" : "principal";
        if (account.dimension() != UsageDimension.RUN && account.dimension() != UsageDimension.PRINCIPAL) {
            throw new IllegalArgumentException("budget accounts are per principal or run, not "
                    + account.dimension());
        }
        try (PreparedStatement create = connection.prepareStatement(CREATE_FROM_USAGE.formatted(column))) {
            create.setString(1, account.id());
            create.setString(2, account.value());
            return create.executeUpdate() == 1;
        }
    }

    private BudgetLedger.Spend read(Connection connection, String account) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, account);
            try (ResultSet row = read.executeQuery()) {
                return row.next() ? new BudgetLedger.Spend(row.getLong(1), row.getDouble(2), row.getLong(3),
                        row.getDouble(4)) : null;
            }
        }
    }

    private void settle(String id, List<String> accounts, long tokens, double cost) {
        live.remove(id); // settled or not, no longer renewed: a reservation whose settlement failed expires
        try (Connection connection = dataSource.getConnection();
             PreparedStatement settle = connection.prepareStatement(SETTLE)) {
            Array ids = connection.createArrayOf("varchar", accounts.toArray());
            settle.setString(1, id);
            settle.setArray(2, ids);
            settle.setLong(3, tokens);
            settle.setDouble(4, cost);
            settle.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("budget: could not settle reservation {} of {} ({} tokens, {} USD used); it expires within {}: {}",
                    id, accounts, tokens, cost, reservationTtl, e.toString());
        }
    }

    @Override
    public BudgetLedger.Spend spend(String id) {
        try (Connection connection = dataSource.getConnection()) {
            return read(connection, id);
        } catch (SQLException e) {
            throw SqlValues.failure("read a gateway budget", e);
        }
    }

    /**
     * Renews this instance's reservations and sweeps expired ones of every holder (what the background task does
     * every {@code reservationTtl / 3}).
     *
     * @return the number of accounts whose expired reservations were given back
     * @throws BatonException {@code STORE_UNAVAILABLE} on a SQL failure
     */
    public int upkeep() {
        try (Connection connection = dataSource.getConnection()) {
            Object[] ids = live.toArray();
            if (ids.length > 0) {
                try (PreparedStatement renew = connection.prepareStatement(RENEW)) {
                    SqlValues.setInstant(renew, 1, clock.instant().plus(reservationTtl));
                    renew.setString(2, holder);
                    renew.setArray(3, connection.createArrayOf("varchar", ids));
                    renew.executeUpdate();
                }
            }
            return sweep(connection, null);
        } catch (SQLException e) {
            throw SqlValues.failure("renew and sweep gateway budget reservations", e);
        }
    }

    private void upkeepQuietly() {
        try {
            int freed = upkeep();
            if (freed > 0) {
                LOG.info("budget: expired reservations (of a node that stopped) given back to {} account(s)", freed);
            }
        } catch (RuntimeException e) {
            LOG.warn("budget: reservation upkeep failed, retrying in {} ms: {}", reservationTtl.toMillis() / 3,
                    e.getMessage());
        }
    }

    /** Deletes expired reservations (of {@code account}, or all when {@code null}); the accounts freed. */
    private int sweep(Connection connection, String account) throws SQLException {
        try (PreparedStatement sweep = connection.prepareStatement(SWEEP.formatted(
                account == null ? "" : "AND account = ?"))) {
            SqlValues.setInstant(sweep, 1, clock.instant());
            if (account != null) {
                sweep.setString(2, account);
            }
            return sweep.executeUpdate();
        }
    }

    /** Stops the background task; this instance's reservations still in the database expire on their own. */
    @Override
    public void close() {
        if (upkeep != null) {
            upkeep.shutdownNow();
        }
    }
}
