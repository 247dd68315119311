package dev.baton.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One PostgreSQL server (zonky's embedded binaries) on a loopback port with its data directory under
 * {@code target/}, which can be {@linkplain #stop() stopped} and {@linkplain #start() started} again on the same
 * port and data: what a database restart looks like to the nodes. Not thread-safe: one test thread drives it.
 */
final class ClusterPostgres implements AutoCloseable {
    private final Path dataDirectory;
    private final Path log;
    private int port;
    private EmbeddedPostgres server;

    private ClusterPostgres(Path dataDirectory, Path log) {
        this.dataDirectory = dataDirectory;
        this.log = log;
    }

    /** Creates the data directory (initdb) under {@code directory} and starts the server on a free port. */
    static ClusterPostgres start(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClusterPostgres postgres = new ClusterPostgres(directory.resolve("pgdata"), directory.resolve("postgres.log"));
        postgres.start();
        return postgres;
    }

    /** Starts the server on the data directory (and, after the first start, on the same port). */
    void start() {
        if (server != null) {
            throw new IllegalStateException("PostgreSQL is already running on port " + port);
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200")
                    // A test database: a crash of the machine is not what is tested, the nodes and the server are.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (port != 0) {
                builder.setPort(port);
            }
            server = builder.start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL on " + dataDirectory + " (log: " + log + ")", e);
        }
    }

    /** Stops the server ({@code pg_ctl stop -m fast}: open connections are cut); the data directory stays. */
    void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL (log: " + log + ")", e);
        } finally {
            server = null;
        }
    }

    boolean running() {
        return server != null;
    }

    int port() {
        return port;
    }

    /** The URL the nodes use: the {@code postgres} database, user {@code postgres}, no password. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** A new connection for the test's own queries. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    @Override
    public void close() {
        stop();
    }
}
