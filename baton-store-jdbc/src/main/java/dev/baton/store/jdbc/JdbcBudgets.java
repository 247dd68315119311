package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.usage.BudgetAccount;
import dev.baton.gateway.usage.BudgetAccounts;
import dev.baton.gateway.usage.BudgetLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's budget accounts in PostgreSQL (tables {@code gateway_budgets} and
 * {@code gateway_budget_reservations}, migration V5), shared by every node of the database, so a key's, a run's,
 * or a tenant's or API key's day/month budget (a period account, created from the usage records since the period
 * began: {@link BudgetAccount#from()}) holds for the cluster.
 *
 * <p><b>Reserve</b> is one statement per account: a conditional {@code UPDATE} that adds the reservation only
 * if {@code spent + reserved + this reservation ≤ cap} (the row lock makes concurrent reservations on any node
 * wait for each other), chained to the {@code INSERT} of a reservation row. A call under a key budget and a run
 * budget reserves both in one transaction, accounts in id order (no deadlock between two such calls). The first
 * reservation on an account unknown to the database creates its row from the account's usage records
 * ({@code INSERT ... SELECT sum(...) FROM usage_records ... ON CONFLICT DO NOTHING}); whether this call or a
 * concurrent one (on any node) created it, the reservation is then tried again, and a call is refused only when
 * the account read back shows that it does not fit. <b>Settle</b> is one statement: delete the call's
 * reservation rows and move their amounts from reserved to spent.
 *
 * <p><b>Expiry.</b> Every reservation row names its holder (this instance, a random id per process) and expires
 * {@code reservationTtl} after it was made or last renewed. While the instance lives, a background task renews
 * its rows of calls still in flight every {@code reservationTtl / 3} and sweeps expired rows of any holder, giving
 * their amounts back to their accounts: the reservations of a node that died free its budgets within one
 * {@code reservationTtl}. A refused reservation sweeps its account's expired rows and tries again, so a budget
 * never stays blocked by a dead node's calls. A call that settles after its reservation expired still adds what
 * it spent. Expiry is stamped and compared in the database's time ({@code clock_timestamp()}), never a node's
 * clock, so nodes' clocks do not have to agree.
 *
 * <p><b>Reconciliation.</b> A settlement that fails (database unreachable, node died after the upstream answered)
 * would leave the call's spending out of the account for good; every {@link #RECONCILE_INTERVAL} the accounts
 * this instance used are {@linkplain #reconcile() raised} to what their usage records add up to when those show
 * more, so the account heals as the single-node ledger does when it re-reads an idle account's records.
 *
 * <p>Costs are double precision (as in {@code usage_records}). SQL failures are {@code STORE_UNAVAILABLE}
 * (retriable) for a reservation; a failed settlement is logged (its reservation then expires, and the call's
 * spend reaches the account at the next reconciliation after its usage record is written). PostgreSQL only.
 * Thread-safe.
 *
 * <p>The SQL on the budget tables is {@link BudgetTables}'; this class decides when each statement runs.
 */
public final class JdbcBudgets implements BudgetAccounts, AutoCloseable {
    /** The default lifetime of a reservation that is not renewed. */
    public static final Duration DEFAULT_RESERVATION_TTL = Duration.ofMinutes(2);

    /** How often the background task {@linkplain #reconcile() reconciles} accounts with their usage records. */
    public static final Duration RECONCILE_INTERVAL = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBudgets.class);

    /** How many times one account's reservation is tried before giving up (see {@code reserveOne}). */
    private static final int ATTEMPTS = 4;

    private final DataSource dataSource;
    private final Duration reservationTtl;
    private final String holder = UUID.randomUUID().toString();
    /** Ids of this instance's reservations not settled yet: only these are renewed. */
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    /** Accounts this instance reserved on since its last {@link #reconcile()}. */
    private final Map<String, BudgetAccount> touched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService upkeep;
    private final BudgetTables tables;

    /**
     * Accounts with reservations renewed and swept every {@code reservationTtl / 3} by a background thread.
     *
     * @param dataSource     connections to a PostgreSQL database migrated by {@link JdbcStores}
     * @param reservationTtl how long a reservation outlives its holder: longer than a renewal can be late (a
     *                       store outage, a long GC pause), short enough for a dead node's calls to free the budget
     *                       soon; ≥ 3 s
     */
    public JdbcBudgets(DataSource dataSource, Duration reservationTtl) {
        this(dataSource, reservationTtl, true);
    }

    /** As the public constructor; {@code scheduled = false} leaves {@link #upkeep()} and {@link #reconcile()} to the caller (tests). */
    JdbcBudgets(DataSource dataSource, Duration reservationTtl, boolean scheduled) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.reservationTtl = Objects.requireNonNull(reservationTtl, "reservationTtl");
        if (reservationTtl.compareTo(Duration.ofSeconds(3)) < 0) {
            throw BatonException.invalidInput("reservationTtl", "must be at least 3 s, got " + reservationTtl);
        }
        this.tables = new BudgetTables(holder, reservationTtl);
        if (scheduled) {
            upkeep = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("baton-budget-upkeep")
                    .factory());
            long every = reservationTtl.toMillis() / 3;
            upkeep.scheduleWithFixedDelay(this::upkeepQuietly, every, every, TimeUnit.MILLISECONDS);
            long reconcileEvery = RECONCILE_INTERVAL.toMillis();
            upkeep.scheduleWithFixedDelay(this::reconcileQuietly, reconcileEvery, reconcileEvery,
                    TimeUnit.MILLISECONDS);
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
                for (int i = 0; i < ordered.size(); i++) {
                    BatonException refusal = reserveOne(connection, id, ordered.get(i), tokens, costUsd);
                    if (refusal != null) {
                        refusal = latestRefusal(connection, refusal, ordered.subList(i + 1, ordered.size()), tokens,
                                costUsd);
                        if (transaction) {
                            connection.rollback();
                        }
                        throw refusal;
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
        ordered.forEach(account -> touched.putIfAbsent(account.id(), account));
        List<String> ids = ordered.stream().map(BudgetAccount::id).toList();
        return (usedTokens, usedCost) -> settle(id, ids, usedTokens, usedCost);
    }

    /**
     * Reserves on one account; the refusal (BUDGET_EXCEEDED), or {@code null} when reserved.
     *
     * <p>The conditional update does nothing both when the account is full and when its row does not exist yet,
     * and another call (on any node) may create the row, settle or sweep between this call's statements. So after
     * creating the row (whether this call or a concurrent one created it) the reservation is always tried again,
     * and a call is refused only when the account read back shows that it does not fit; when it fits, it was
     * freed in between and the reservation is tried again, at most {@value #ATTEMPTS} times.
     */
    private BatonException reserveOne(Connection connection, String id, BudgetAccount account, long tokens,
                                      double cost)
            throws SQLException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (tables.tryReserve(connection, id, account, tokens, cost)) {
                return null;
            }
            BudgetLedger.Spend now = BudgetTables.read(connection, account.id());
            if (now == null) {
                BudgetTables.createFromUsage(connection, account); // a no-op when a concurrent call created it first
                continue;
            }
            if (account.refusal(now, tokens, cost) == null) {
                continue; // freed, or created, between the update and the read
            }
            if (BudgetTables.sweep(connection, account.id()) == 0) {
                return account.exceeded(now, tokens, cost);
            }
        }
        throw new BatonException(ErrorCode.STORE_UNAVAILABLE, account.name() + " is contended: " + ATTEMPTS
                + " attempts to reserve " + tokens + " tokens found room each time and lost it to concurrent calls;"
                + " try again");
    }

    /**
     * {@code refusal}, or a later one among the {@code rest} of the accounts (read, not locked: the answer only
     * chooses the {@code Retry-After} to report; see {@link BudgetAccount#later}).
     */
    private BatonException latestRefusal(Connection connection, BatonException refusal, List<BudgetAccount> rest,
                                         long tokens, double cost) throws SQLException {
        BatonException latest = refusal;
        for (BudgetAccount account : rest) {
            BudgetLedger.Spend now = BudgetTables.read(connection, account.id());
            if (now != null && account.refusal(now, tokens, cost) != null) {
                latest = BudgetAccount.later(latest, account.exceeded(now, tokens, cost));
            }
        }
        return latest;
    }

    private void settle(String id, List<String> accounts, long tokens, double cost) {
        live.remove(id); // settled or not, no longer renewed: a reservation whose settlement failed expires
        try (Connection connection = dataSource.getConnection()) {
            BudgetTables.settle(connection, id, accounts, tokens, cost);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("budget: could not settle reservation {} of {} ({} tokens, {} USD used); it expires within {}: {}",
                    id, accounts, tokens, cost, reservationTtl, e.toString());
        }
    }

    @Override
    public BudgetLedger.Spend spend(String id) {
        try (Connection connection = dataSource.getConnection()) {
            return BudgetTables.read(connection, id);
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
                tables.renew(connection, ids);
            }
            return BudgetTables.sweepAll(connection);
        } catch (SQLException e) {
            throw SqlValues.failure("renew and sweep gateway budget reservations", e);
        }
    }

    /**
     * Heals the accounts this instance reserved on since the last call (the background task calls it every
     * {@link #RECONCILE_INTERVAL}): raises each account's spending to what its usage records add up to, when they
     * show more. A call settles its reservation before its usage record is queued for writing, with the same
     * amounts, so the records of settled calls never add up to more than the account's spending; they add up to
     * more only when a settlement was lost (the database was unreachable at that moment, or the node died between
     * the upstream's answer and the settlement). One statement per account; an account's spending is never
     * lowered. Costs one sum over the account's usage records, so it runs rarely.
     *
     * @return the number of accounts whose spending was raised
     * @throws BatonException {@code STORE_UNAVAILABLE} on a SQL failure (the accounts not reconciled yet are kept
     *                        for the next call)
     */
    public int reconcile() {
        List<BudgetAccount> due = List.copyOf(touched.values());
        int raised = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (BudgetAccount account : due) {
                int changed = BudgetTables.raiseToUsage(connection, account);
                if (changed > 0) {
                    LOG.info("budget: {} raised to what its usage records show (a settlement was lost)",
                            account.name());
                }
                raised += changed;
                touched.remove(account.id(), account);
            }
        } catch (SQLException e) {
            throw SqlValues.failure("reconcile gateway budgets with their usage records", e);
        }
        return raised;
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("budget: reconciliation with usage records failed, retrying in {}: {}", RECONCILE_INTERVAL,
                    e.getMessage());
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

    /** Stops the background task; this instance's reservations still in the database expire on their own. */
    @Override
    public void close() {
        if (upkeep != null) {
            upkeep.shutdownNow();
        }
    }
}