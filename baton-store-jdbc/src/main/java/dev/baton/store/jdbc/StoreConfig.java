package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how to reach the database of the JDBC stores.
 *
 * <p>The embedded default is an H2 file database, see {@link #h2(Path)}. For PostgreSQL give its URL, user,
 * password and pool size ({@link #postgresql}).
 *
 * @param url      JDBC URL, {@code jdbc:h2:...} or {@code jdbc:postgresql:...}
 * @param user     database user, may be empty for H2
 * @param password database password, may be empty; never printed ({@link #toString()} redacts it)
 * @param poolSize maximum connections in the pool, 1..200
 * @param connectionTimeout how long a call waits for a connection (from the pool, or a new one to the database)
 *                 before it fails with {@code STORE_UNAVAILABLE}: a database that is down or restarting fails calls
 *                 fast instead of hanging them; 250 ms..10 min, default {@link #DEFAULT_CONNECTION_TIMEOUT}
 */
public record StoreConfig(String url, String user, String password, int poolSize, Duration connectionTimeout) {

    /** The default {@link #connectionTimeout()}: 5 s. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    /** The default data directory of the embedded database, relative to the working directory. */
    public static final Path DEFAULT_DATA_DIRECTORY = Path.of("data");

    /**
     * H2 settings appended to every file URL made by {@link #h2(Path)}:
     * <ul>
     *   <li>{@code WRITE_DELAY=0}: H2 2.x (MVStore) then writes the store to its file at every commit
     *       ({@code TransactionStore.endTransaction} calls {@code MVStore.commit()} when the auto-commit delay is
     *       0) instead of from a background thread up to 500 ms later. The write reaches the operating system
     *       before {@code commit()} returns, so a committed transaction survives a SIGKILL of the JVM. It is not
     *       fsync'ed on every commit: an operating system crash or power loss may lose the last commits (use
     *       PostgreSQL where that matters).</li>
     *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: the store closes the database itself ({@link JdbcStores#close()}),
     *       not H2's shutdown hook racing the pool.</li>
     *   <li>{@code LOCK_TIMEOUT=10000}: wait up to 10 s for a row lock held by a concurrent append.</li>
     *   <li>{@code QUERY_CACHE_SIZE=64}: keep every statement of the stores prepared per connection.</li>
     *   <li>{@code MAX_LENGTH_INPLACE_LOB=65536}: JSON values (kept in CLOB columns, as H2's JSON and VARCHAR types
     *       stop at 1 MiB) up to 64 KiB stay inside their row instead of H2's separate LOB storage, which costs
     *       several extra writes per value.</li>
     * </ul>
     */
    public static final String H2_SETTINGS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64"
            + ";MAX_LENGTH_INPLACE_LOB=65536";

    public StoreConfig {
        Dialect.of(url);
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        if (poolSize < 1 || poolSize > 200) {
            throw BatonException.invalidInput("store.poolSize", "must be between 1 and 200, got " + poolSize);
        }
        if (connectionTimeout == null) {
            throw BatonException.invalidInput("store.connectionTimeout", "is required");
        }
        if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0
            || connectionTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw BatonException.invalidInput("store.connectionTimeout",
                    "must be between 250 ms and 10 min, got " + connectionTimeout);
        }
    }

    /** A configuration with the default {@link #connectionTimeout()} of 5 s. */
    public StoreConfig(String url, String user, String password, int poolSize) {
        this(url, user, password, poolSize, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** This configuration with another {@link #connectionTimeout()}. */
    public StoreConfig withConnectionTimeout(Duration value) {
        return new StoreConfig(url, user, password, poolSize, value);
    }

    /**
     * The embedded default: an H2 file database {@code baton} in {@code dataDirectory} (created when missing),
     * durable across a SIGKILL of the JVM (see {@link #H2_SETTINGS}). Use {@link #DEFAULT_DATA_DIRECTORY} for
     * {@code ./data}.
     */
    public static StoreConfig h2(Path dataDirectory) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        String file = dataDirectory.toAbsolutePath().normalize().resolve("baton").toString();
        return new StoreConfig("jdbc:h2:file:" + file + H2_SETTINGS, "", "", 8);
    }

    /** A PostgreSQL database, e.g. {@code postgresql("jdbc:postgresql://db:5432/baton", "baton", secret, 16)}. */
    public static StoreConfig postgresql(String url, String user, String password, int poolSize) {
        if (Dialect.of(url) != Dialect.POSTGRESQL) {
            throw BatonException.invalidInput("store.url", "must start with jdbc:postgresql:");
        }
        return new StoreConfig(url, user, password, poolSize);
    }

    /**
     * The URL the connection pool uses: for H2, {@link #url()} plus the durability settings of {@link #H2_SETTINGS}
     * ({@code WRITE_DELAY=0}, {@code DB_CLOSE_ON_EXIT=FALSE}) that the URL does not set itself, so that a
     * hand-written {@code jdbc:h2:file:./data/baton} is as crash-safe as {@link #h2(Path)}; other URLs unchanged.
     */
    public String connectionUrl() {
        if (dialect() != Dialect.H2) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        StringBuilder connection = new StringBuilder(url);
        for (String setting : List.of("WRITE_DELAY=0", "DB_CLOSE_ON_EXIT=FALSE")) {
            String name = setting.substring(0, setting.indexOf('=') + 1);
            if (!upper.contains(";" + name)) {
                connection.append(';').append(setting);
            }
        }
        return connection.toString();
    }

    /** The database's dialect, from the URL. */
    public Dialect dialect() {
        return Dialect.of(url);
    }

    @Override
    public String toString() {
        return "StoreConfig[url=" + Dialect.redact(url) + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                + ", poolSize=" + poolSize + ", connectionTimeout=" + connectionTimeout + "]";
    }
}
