package dev.baton.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Baton node as a child process, the way a user runs it:
 * {@code java -Xmx1g -jar baton.jar server --config baton.yaml --port 0} in a fresh temporary directory holding
 * the generated {@code baton.yaml} ({@link Settings#yaml}), with {@code BATON_LOG_LEVEL=warn}; output in
 * {@code server.log}. {@link #start} returns once {@code /health/ready} answers 200 (store open and migrated).
 *
 * <p>{@link #kill()} is {@code kill -9} (SIGKILL, {@link Process#destroyForcibly()} on Linux); {@link #close()}
 * sends SIGTERM (graceful shutdown), then SIGKILL after 30 s, and deletes the directory unless
 * {@code BENCH_KEEP=1}.
 */
final class NodeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Baton server listening on (http://\\S+)");

    /**
     * What a node is configured with.
     *
     * @param nodeId         the node's {@code cluster.nodeId}
     * @param storeUrl       JDBC URL of the PostgreSQL database
     * @param poolSize       {@code store.poolSize}
     * @param maxRunningRuns {@code engine.maxRunningRuns}
     * @param cluster        lines of the {@code cluster:} section without {@code nodeId} (indented by two
     *                       spaces), or {@code null} to write no {@code cluster:} section at all (a build
     *                       without cluster settings)
     */
    record Settings(String nodeId, String storeUrl, int poolSize, int maxRunningRuns, String cluster) {
        Settings {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(storeUrl, "storeUrl");
        }

        /** The {@code baton.yaml} of the node whose data directory is {@code dataDir}. */
        String yaml(Path dataDir) {
            String yaml = """
                    dataDir: "%s"
                    store:
                      type: postgresql
                      url: "%s"
                      user: %s
                      password: %s
                      poolSize: %d
                    ai:
                      enabled: false
                    engine:
                      maxRunningRuns: %d
                    """.formatted(dataDir, storeUrl, BenchPostgres.ROLE, BenchPostgres.ROLE, poolSize,
                    maxRunningRuns);
            if (cluster != null) {
                yaml += "cluster:\n  nodeId: " + nodeId + "\n" + cluster;
            }
            return yaml;
        }
    }

    private final Settings settings;
    private final Process process;
    private final Path directory;
    private final URI url;

    private NodeProcess(Settings settings, Process process, Path directory, URI url) {
        this.settings = settings;
        this.process = process;
        this.directory = directory;
        this.url = url;
    }

    /**
     * Starts a node and waits up to 3 minutes until it is ready.
     *
     * @throws IllegalStateException when the jar is missing, or the node exits or does not become ready (with
     *                               its log)
     */
    static NodeProcess start(Path jar, Settings settings, List<String> javaOptions) throws IOException,
            InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with "
                    + "./mvnw -B -q -pl baton-server -am -DskipTests package");
        }
        Path directory = Files.createTempDirectory("baton-cluster-bench-" + settings.nodeId() + "-");
        Path config = directory.resolve("baton.yaml");
        Files.writeString(config, settings.yaml(directory.resolve("data")));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "server", "--config", config.toString(),
                "--port", "0"));
        Path log = directory.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("BATON_LOG_LEVEL", "warn");
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        URI url = null;
        try (HttpClient client = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node " + settings.nodeId() + " exited with "
                            + process.exitValue() + "; " + config + ":\n" + Files.readString(config) + "\nlog:\n"
                            + Files.readString(log));
                }
                if (url == null) {
                    Matcher listening = LISTENING.matcher(Files.readString(log));
                    if (listening.find()) {
                        url = URI.create(listening.group(1));
                    }
                } else if (ready(client, url)) {
                    return new NodeProcess(settings, process, directory, url);
                }
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("node " + settings.nodeId() + " not ready within 3 minutes; log:\n"
                + Files.readString(log));
    }

    private static boolean ready(HttpClient client, URI url) throws InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(url.resolve("/health/ready")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    String nodeId() {
        return settings.nodeId();
    }

    /** The node's root URL, e.g. {@code http://127.0.0.1:41234}. */
    URI url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** User + system CPU of the node so far, ms (-1 once it has exited). */
    long cpuMillis() {
        return ProcFs.cpuMillis(process.pid(), false);
    }

    /** {@code kill -9}: returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The last {@code lines} lines of the node's log. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(directory.resolve("server.log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if ("1".equals(System.getenv("BENCH_KEEP"))) {
            System.out.println("kept " + directory);
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
