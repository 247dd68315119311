package dev.baton.store.jdbc;

import dev.baton.core.cluster.ClusterSignal;
import dev.baton.core.cluster.ClusterSignals;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link ClusterSignals} over PostgreSQL {@code LISTEN/NOTIFY} on channel {@value SignalPayloads#CHANNEL}
 * (payloads: {@link SignalPayloads}).
 *
 * <p><b>Receiving.</b> A connection of its own, outside the pool ({@link DriverManager}, the store's URL, user
 * and password), runs {@code LISTEN}; a reader thread waits on it with pgjdbc's
 * {@link PGConnection#getNotifications(int)} and calls the listeners, in order, on that thread. Every
 * {@code probeInterval} without a notification it checks the connection ({@link Connection#isValid(int)}), so a
 * connection that died silently is noticed too. After losing the connection (a PostgreSQL restart, a network
 * failure) it reconnects with a capped exponential backoff ({@code minBackoff} doubling up to {@code maxBackoff})
 * and, once listening again, delivers a synthetic {@link ClusterSignal.WorkAvailable} and
 * {@link ClusterSignal.RunsChanged} of any run: notifications sent meanwhile were lost, so listeners re-check the
 * store.
 *
 * <p><b>Sending.</b> {@link #publish} only records the signal in a pending batch ({@link PendingSignals}) and wakes
 * the sender thread: it never blocks on the network and never throws. Pending signals coalesce (one
 * {@code WorkAvailable}, the union of the changed runs, the cancels in order); the sender sends a batch with one
 * statement
 * ({@code SELECT pg_notify(...) FROM unnest(?)}) on a connection of the pool, and sends a batch of changed runs
 * only at most every {@code coalesceInterval} (work and cancels go at once). A batch that cannot be sent (store
 * down) is dropped: signals are best effort, the nodes poll too. Own notifications come back through
 * {@code LISTEN} like everyone's, so the node's own listeners see what it publishes.
 *
 * <p>Thread-safe. {@link #close()} stops both threads and closes the connection.
 */
public final class PgClusterSignals implements ClusterSignals {
    private static final Logger LOG = LoggerFactory.getLogger(PgClusterSignals.class);
    private static final String NOTIFY = "SELECT pg_notify('" + SignalPayloads.CHANNEL + "', payload)"
            + " FROM unnest(CAST(? AS text[])) AS p(payload)";

    private final StoreConfig config;
    private final DataSource pool;
    private final Timing timing;
    private final List<Consumer<ClusterSignal>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PendingSignals pending;
    // guarded by lock
    private boolean closed;
    private boolean listening;
    private Thread reader;
    private Thread sender;
    private volatile Connection listenConnection;

    /**
     * Timings of the signals.
     *
     * @param coalesceInterval least time between two batches of changed runs
     * @param pollInterval     how long one wait for notifications lasts (also bounds how long {@link #close()} waits
     *                         for the reader)
     * @param probeInterval    how long without a notification before the connection is checked
     * @param minBackoff       first wait before reconnecting
     * @param maxBackoff       longest wait before reconnecting
     */
    public record Timing(Duration coalesceInterval, Duration pollInterval, Duration probeInterval,
                         Duration minBackoff, Duration maxBackoff) {
        public Timing {
            for (Duration d : List.of(coalesceInterval, pollInterval, probeInterval, minBackoff, maxBackoff)) {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("signal timings must not be negative, got " + d);
                }
            }
            if (pollInterval.toMillis() < 1 || minBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("pollInterval must be >= 1 ms and minBackoff <= maxBackoff");
            }
        }

        /** 2 ms coalescing, 250 ms polls, a probe after 10 s of silence, reconnects after 100 ms up to 5 s. */
        public static Timing defaults() {
            return new Timing(Duration.ofMillis(2), Duration.ofMillis(250), Duration.ofSeconds(10),
                    Duration.ofMillis(100), Duration.ofSeconds(5));
        }
    }

    private PgClusterSignals(StoreConfig config, DataSource pool, Timing timing) {
        this.config = config;
        this.pool = pool;
        this.timing = timing;
        this.pending = new PendingSignals(timing.coalesceInterval());
    }

    /** Starts listening and sending with {@link Timing#defaults()}. */
    public static PgClusterSignals start(StoreConfig config, DataSource pool) {
        return start(config, pool, Timing.defaults());
    }

    /**
     * Starts the reader (connecting in the background, retrying until it can) and the sender.
     *
     * @param config the store's configuration: a PostgreSQL URL, user and password
     * @param pool   connections for sending
     */
    public static PgClusterSignals start(StoreConfig config, DataSource pool, Timing timing) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(timing, "timing");
        if (config.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("LISTEN/NOTIFY needs PostgreSQL, got " + Dialect.redact(config.url()));
        }
        PgClusterSignals signals = new PgClusterSignals(config, pool, timing);
        signals.lock.lock();
        try {
            signals.reader = Thread.ofVirtual().name("baton-signals-listen").start(signals::listen);
            signals.sender = Thread.ofVirtual().name("baton-signals-send").start(signals::send);
        } finally {
            signals.lock.unlock();
        }
        return signals;
    }

    @Override
    public void publish(ClusterSignal signal) {
        if (signal != null) {
            pending.add(signal);
        }
    }

    @Override
    public void subscribe(Consumer<ClusterSignal> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether the listening connection is up (signals from other nodes arrive). */
    public boolean listening() {
        lock.lock();
        try {
            return listening;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the listening connection is up; false if it is not within {@code timeout}. */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        return awaitListening(true, timeout);
    }

    /** Waits until the listening connection is in the given state (or closed); whether it is. */
    boolean awaitListening(boolean state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (listening != state && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return listening == state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        Thread readerThread;
        Thread senderThread;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            pending.close();
            readerThread = reader;
            senderThread = sender;
        } finally {
            lock.unlock();
        }
        try {
            // the reader leaves within one poll interval and closes its connection itself
            readerThread.join(timing.pollInterval().multipliedBy(4).plusSeconds(1));
            senderThread.join(config.connectionTimeout().plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection connection = listenConnection;
        if (readerThread.isAlive() && connection != null) {
            closeQuietly(connection);
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    // ---- receiving

    private void listen() {
        boolean connectedBefore = false;
        int failures = 0;
        while (!isClosed()) {
            try (Connection connection = connect()) {
                listenConnection = connection;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + SignalPayloads.CHANNEL);
                }
                setListening(true);
                if (connectedBefore) {
                    LOG.info("cluster signals: listening again after a lost connection");
                    deliver(new ClusterSignal.WorkAvailable());
                    deliver(new ClusterSignal.RunsChanged(Set.of()));
                }
                connectedBefore = true;
                failures = 0;
                receive(connection);
            } catch (SQLException | RuntimeException e) {
                setListening(false);
                if (isClosed()) {
                    break;
                }
                failures++;
                if (failures == 1) {
                    LOG.warn("cluster signals: lost the listening connection, reconnecting (SQL state {}): {}",
                            e instanceof SQLException sql ? sql.getSQLState() : "-", e.getMessage());
                }
                pause(backoff(failures));
            } finally {
                listenConnection = null;
                setListening(false);
            }
        }
    }

    private void receive(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        int pollMillis = (int) Math.min(Integer.MAX_VALUE, timing.pollInterval().toMillis());
        long lastHeard = System.nanoTime();
        while (!isClosed()) {
            PGNotification[] notifications = pg.getNotifications(pollMillis);
            if (notifications != null && notifications.length > 0) {
                lastHeard = System.nanoTime();
                for (PGNotification notification : notifications) {
                    SignalPayloads.decode(notification.getParameter()).ifPresent(this::deliver);
                }
            } else if (System.nanoTime() - lastHeard > timing.probeInterval().toNanos()) {
                int seconds = (int) Math.max(1, config.connectionTimeout().toSeconds());
                if (!connection.isValid(seconds)) {
                    throw new SQLException("the listening connection does not answer", "08006");
                }
                lastHeard = System.nanoTime();
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        properties.setProperty("password", config.password());
        properties.setProperty("connectTimeout",
                String.valueOf(Math.max(1, (config.connectionTimeout().toMillis() + 999) / 1000)));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "baton-signals");
        return DriverManager.getConnection(config.connectionUrl(), properties);
    }

    private void deliver(ClusterSignal signal) {
        for (Consumer<ClusterSignal> listener : listeners) {
            try {
                listener.accept(signal);
            } catch (RuntimeException e) {
                LOG.warn("cluster signals: a listener failed on {}", signal, e);
            }
        }
    }

    private void setListening(boolean value) {
        lock.lock();
        try {
            listening = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@code minBackoff * 2^(failures - 1)}, at most {@code maxBackoff}. */
    private Duration backoff(int failures) {
        Duration wait = timing.minBackoff();
        for (int i = 1; i < failures && wait.compareTo(timing.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(timing.maxBackoff()) > 0 ? timing.maxBackoff() : wait;
    }

    /** Waits {@code duration} or until closed. */
    private void pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        lock.lock();
        try {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    // ---- sending

    private void send() {
        boolean failing = false;
        while (true) {
            List<String> payloads;
            try {
                payloads = pending.take();
            } catch (InterruptedException e) {
                return;
            }
            if (payloads == null) {
                return;
            }
            try {
                notify(payloads);
                if (failing) {
                    LOG.info("cluster signals: sending again");
                }
                failing = false;
            } catch (SQLException | RuntimeException e) {
                if (!failing) {
                    LOG.warn("cluster signals: cannot send, dropping signals until the store answers: {}",
                            e.getMessage());
                }
                failing = true;
            }
        }
    }

    private void notify(List<String> payloads) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(NOTIFY)) {
            statement.setArray(1, connection.createArrayOf("text", payloads.toArray()));
            statement.execute();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cluster signals: closing the listening connection failed", e);
        }
    }
}
