package dev.baton.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Baton node as a real operating-system process: {@code java -cp <this JVM's class path>
 * dev.baton.server.cli.BatonCli server --config <dir>/baton.yaml --port <port>}, with the JDK running the test.
 * Stdout and stderr of every start are appended to {@code <dir>/node-<n>.log}. The port is chosen once and kept
 * across restarts, so clients keep the node's URL.
 *
 * <p>Each {@link #start(String, String)} writes a fresh configuration (the caller's YAML, with a {@code dataDir} in
 * the node's directory prepended) and a new node id: a restarted node is a new node. Not thread-safe: one test
 * thread starts, kills and restarts it; {@link #api()} and {@link #alive()} may be read from any thread.
 */
final class NodeProcess implements AutoCloseable {
    /** The server's main class: the {@code baton} CLI, whose {@code server} command serves until stopped. */
    static final String MAIN_CLASS = "dev.baton.server.cli.BatonCli";

    private final int index;
    private final Path directory;
    private final int port;
    private final HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private volatile Process process;
    private volatile String nodeId;

    NodeProcess(int index, Path directory, int port) {
        this.index = index;
        this.directory = directory;
        this.port = port;
    }

    /** Starts the process; returns at once (see {@link #awaitReady}). */
    void start(String id, String yaml) {
        if (alive()) {
            throw new IllegalStateException("node " + index + " is already running as " + nodeId);
        }
        try {
            Files.createDirectories(directory);
            Path config = directory.resolve("baton-" + id + ".yaml");
            Files.writeString(config, "dataDir: " + directory.resolve("data") + "\n" + yaml);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions());
            command.addAll(List.of("-cp", classPath(), MAIN_CLASS, "server", "--config", config.toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port)));
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            // Only the generated file configures the node: no BATON_* variable of the caller's environment.
            builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
            builder.environment().put("BATON_LOG_FORMAT", "text");
            Files.writeString(log(), "=== start " + id + " " + java.time.Instant.now() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
            nodeId = id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + index, e);
        }
    }

    /**
     * Waits until {@code GET /health/ready} answers 200.
     *
     * @throws IllegalStateException when the process exits first or {@code bound} passes (with the log's tail)
     */
    void awaitReady(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(root().resolve("/health/ready")).timeout(Duration.ofSeconds(5))
                .build();
        while (System.nanoTime() < deadline) {
            Process current = process;
            if (current == null || !current.isAlive()) {
                throw new IllegalStateException("node " + index + " (" + nodeId + ") exited with "
                        + (current == null ? "?" : current.exitValue()) + " before it was ready; log " + log()
                        + ":\n" + tail());
            }
            try {
                if (probe.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException | java.net.http.HttpTimeoutException e) {
                // not listening yet
            } catch (IOException e) {
                // connection reset while starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node " + index + " (" + nodeId + ") not ready within " + bound + "; log "
                + log() + ":\n" + tail());
    }

    /** {@code kill -9}: {@link Process#destroyForcibly()} (SIGKILL on Linux), then waits for the exit. */
    void kill() throws InterruptedException {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
            current.waitFor();
        }
    }

    /** SIGTERM (graceful shutdown), then SIGKILL when it has not exited within {@code bound}. */
    void stop(Duration bound) throws InterruptedException {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroy();
        if (!current.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            current.destroyForcibly().waitFor();
        }
    }

    boolean alive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    int index() {
        return index;
    }

    /** The id of the current (or last) process of this node. */
    String nodeId() {
        return nodeId;
    }

    long pid() {
        return process.pid();
    }

    /** {@code http://127.0.0.1:<port>}. */
    URI root() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code http://127.0.0.1:<port>/api/v1/}. */
    URI api() {
        return URI.create("http://127.0.0.1:" + port + "/api/v1/");
    }

    Path log() {
        return directory.resolve("node-" + index + ".log");
    }

    /** The last 60 lines of the log. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log() + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probe.close();
        }
    }

    /** Small heaps and the client compiler: three nodes, PostgreSQL and the test share two cores. */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        return options;
    }

    /** This JVM's class path: baton-server's classes and their dependencies (see the module's pom). */
    private static String classPath() {
        String path = System.getProperty("java.class.path");
        if (path == null || path.isBlank() || path.contains("surefirebooter")) {
            throw new IllegalStateException("the test class path is not in java.class.path (" + path
                    + "): run the tests with surefire's useManifestOnlyJar=false, as the module's pom does");
        }
        return path;
    }
}
