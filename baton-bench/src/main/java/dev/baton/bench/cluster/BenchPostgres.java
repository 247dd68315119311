package dev.baton.bench.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The PostgreSQL server of a cluster harness: zonky's embedded binaries (PostgreSQL 14) in a fresh data directory,
 * on a free loopback port, on the same machine as the nodes. Settings that differ from zonky's defaults:
 * {@code synchronous_commit} as asked (zonky turns it off; PostgreSQL's default, and ours, is {@code on}: a commit
 * waits for its WAL flush), {@code shared_preload_libraries = pg_stat_statements} with {@code pg_stat_statements.track = top} (counts of
 * the statements clients send, not of those run inside them such as foreign-key checks) and
 * {@code max_connections = 300}.
 *
 * <p>Nodes connect as the role {@code baton} (password {@code baton}) so that the statements they run can be told
 * apart from the harness's own (role {@code postgres}) in {@code pg_stat_statements}. Each configuration gets its
 * own database ({@link #createDatabase}), so its tables start empty and {@code pg_stat_database} counts only its
 * transactions.
 *
 * <p>{@link #cpuMillis()} is the CPU time of the whole server: the postmaster's user + system time, that of its
 * reaped children ({@code cutime + cstime}: backends that have exited), and that of every live descendant
 * (backends, the WAL writer, checkpointer, autovacuum...), from {@code /proc}. Not thread-safe.
 */
public final class BenchPostgres implements AutoCloseable {
    public static final String ROLE = "baton";

    private final EmbeddedPostgres server;
    private final Path directory;
    private final long postmasterPid;
    private final String synchronousCommit;

    private BenchPostgres(EmbeddedPostgres server, Path directory, long postmasterPid, String synchronousCommit) {
        this.server = server;
        this.directory = directory;
        this.postmasterPid = postmasterPid;
        this.synchronousCommit = synchronousCommit;
    }

    /** Starts the server; {@code synchronousCommit} is {@code on} or {@code off}. */
    public static BenchPostgres start(String synchronousCommit) throws IOException, SQLException {
        if (!synchronousCommit.equals("on") && !synchronousCommit.equals("off")) {
            throw new IllegalArgumentException("--synchronous-commit must be on or off, got " + synchronousCommit);
        }
        Path directory = Files.createTempDirectory("baton-cluster-bench-pg-");
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setDataDirectory(directory.resolve("data"))
                .setCleanDataDirectory(true)
                .setServerConfig("synchronous_commit", synchronousCommit)
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track", "top")
                .setServerConfig("pg_stat_statements.max", "5000")
                .setServerConfig("max_connections", "300")
                .start();
        String pidFile = Files.readAllLines(directory.resolve("data").resolve("postmaster.pid")).getFirst().strip();
        BenchPostgres postgres = new BenchPostgres(server, directory, Long.parseLong(pidFile), synchronousCommit);
        try (Connection connection = postgres.admin("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE + "'");
            statement.execute("CREATE EXTENSION pg_stat_statements");
        }
        return postgres;
    }

    /** Creates database {@code name} owned by {@link #ROLE}; its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection connection = admin("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
        }
        return url(name);
    }

    /** The JDBC URL of database {@code name}. */
    String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + name;
    }

    /** A new connection as the superuser {@code postgres} to database {@code name} (auto-commit). */
    Connection admin(String name) throws SQLException {
        return DriverManager.getConnection(url(name), "postgres", "");
    }

    /** The postmaster's process id. */
    long pid() {
        return postmasterPid;
    }

    /** The server's port on 127.0.0.1. */
    int port() {
        return server.getPort();
    }

    /** What the report says about the server. */
    public String describe() throws SQLException {
        try (Connection connection = admin("postgres"); Statement statement = connection.createStatement();
             ResultSet version = statement.executeQuery("SHOW server_version")) {
            version.next();
            return "PostgreSQL " + version.getString(1) + " (zonky embedded binaries) on 127.0.0.1:" + port()
                    + ", postmaster pid " + postmasterPid + ", synchronous_commit=" + synchronousCommit
                    + ", shared_buffers default, data directory " + directory.resolve("data");
        }
    }

    /** CPU time of the server and all its processes so far, ms (see the class comment). */
    public long cpuMillis() {
        long total = ProcFs.cpuMillis(postmasterPid, true);
        try (Stream<ProcessHandle> children = ProcessHandle.of(postmasterPid).stream()
                .flatMap(ProcessHandle::descendants)) {
            total += children.mapToLong(child -> Math.max(0, ProcFs.cpuMillis(child.pid(), false))).sum();
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
