package dev.baton.bench.gateway;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code baton server} as a child process, the way a user runs the shaded jar:
 * {@code java [options] -Xlog:gc... -jar baton.jar server --config baton.yaml --port 0} in a fresh temporary
 * directory holding the generated {@code baton.yaml} (its own {@code data/} with the default embedded H2 store),
 * stdout and stderr in {@code server.log}. {@link #start} returns once the server printed its
 * "listening" line (every route serves, the gateway is assembled). The JDK is the one running the harness.
 *
 * <p>{@link #close()} stops the process (SIGTERM, then SIGKILL after 30 s) and deletes the directory unless
 * {@code BENCH_KEEP=1}. Not thread-safe apart from {@link #status()} and {@link #get(String)}.
 */
final class BatonProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Baton server listening on (http://\\S+)");

    private final Process process;
    private final Path directory;
    private final URI url;
    private final HttpClient client;

    private BatonProcess(Process process, Path directory, URI url) {
        this.process = process;
        this.directory = directory;
        this.url = url;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Writes {@code yaml} as {@code baton.yaml} (a {@code dataDir} inside the temporary directory is prepended)
     * and starts the server with {@code javaOptions} (e.g. {@code -Xmx512m}); waits up to 3 minutes for it.
     *
     * @throws IllegalStateException when the jar is missing or the server exits or does not come up (with its log)
     */
    static BatonProcess start(Path jar, String yaml, List<String> javaOptions) throws IOException,
            InterruptedException {
        return start(jar, yaml, javaOptions, config -> { });
    }

    /** What runs between writing {@code baton.yaml} and starting the server, e.g. {@code baton keys create --local}. */
    @FunctionalInterface
    interface Preparation {
        /** Prepares the node whose configuration file is {@code config}. */
        void prepare(Path config) throws IOException, InterruptedException;
    }

    /** As {@link #start(Path, String, List)}, running {@code preparation} on the written configuration first. */
    static BatonProcess start(Path jar, String yaml, List<String> javaOptions, Preparation preparation)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with "
                    + "./mvnw -B -q -pl baton-server -am -DskipTests package");
        }
        Path directory = Files.createTempDirectory("baton-gateway-bench-");
        Path config = directory.resolve("baton.yaml");
        Files.writeString(config, "dataDir: " + directory.resolve("data") + "\n" + yaml);
        preparation.prepare(config);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add(GcLog.jvmOption(directory.resolve("gc.log")));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "server", "--config", config.toString(),
                "--port", "0"));
        Path log = directory.resolve("server.log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            Matcher listening = LISTENING.matcher(Files.readString(log));
            if (listening.find()) {
                URI url = URI.create(listening.group(1));
                return new BatonProcess(process, directory, url);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("baton server exited with " + process.exitValue() + "; "
                        + config + ":\n" + Files.readString(config) + "\nlog:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("baton server did not print its listening line within 3 minutes; log:\n"
                + Files.readString(log));
    }

    /** The server's root URL, e.g. {@code http://127.0.0.1:41234}. */
    URI url() {
        return url;
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    /** The command line the child runs, for the report. */
    String commandLine() {
        return process.info().commandLine().orElse("?");
    }

    /** The directory holding {@code baton.yaml}, {@code server.log}, {@code gc.log} and {@code data/}. */
    Path directory() {
        return directory;
    }

    /** RSS, peak RSS, threads and CPU of the server now. */
    ProcessStatus status() {
        return ProcessStatus.of(process.pid());
    }

    /** Heap figures from the server's GC log so far. */
    GcLog heap() {
        return GcLog.summary(directory.resolve("gc.log"));
    }

    /** Heap figures from the collections after the first {@code skip}. */
    GcLog heapSince(int skip) {
        return GcLog.summary(directory.resolve("gc.log"), skip);
    }

    /**
     * Asks the server for a full collection ({@code jcmd <pid> GC.run}), so the next {@link #heap()} shows what is
     * still live; returns the heap used after it.
     */
    GcLog collect() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        return heap();
    }

    /**
     * {@code GET path} on the server (e.g. {@code /api/v1/gateway/deployments/dead}); the body.
     *
     * @throws IllegalStateException on a status other than 200
     */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(url.resolve(path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    @Override
    public void close() {
        client.close();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (!"1".equals(System.getenv("BENCH_KEEP"))) {
            delete(directory);
        } else {
            System.out.println("kept " + directory);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
