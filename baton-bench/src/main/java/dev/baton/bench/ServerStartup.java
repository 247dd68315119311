package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Start-up time of {@code baton server}: for each of {@code --runs} runs (default 5), starts
 * {@code java [--java-opt ...] -jar JAR server --port P} as a new process in a fresh temporary directory (its own
 * {@code ./data}, an empty H2 database: migrations run), then polls {@code GET /health/live} and
 * {@code GET /health/ready} every 5 ms. Reports, from {@link ProcessBuilder#start()} (the process is created; JVM
 * boot included), the time to the first 200 of each, per run and the median. The process is stopped after each run.
 *
 * <p>Usage: {@code ServerStartup [--jar baton-server/target/baton.jar] [--runs 5] [--java-opt OPT]...
 * [--env NAME=VALUE]...}; the JDK is
 * the one running this program.
 */
public final class ServerStartup {
    private ServerStartup() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("baton-server/target/baton.jar");
        int runs = 5;
        List<String> javaOptions = new ArrayList<>();
        java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--java-opt" -> javaOptions.add(args[++i]);
                case "--env" -> {
                    String[] pair = args[++i].split("=", 2);
                    environment.put(pair[0], pair.length > 1 ? pair[1] : "");
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " does not exist: build it first (./baton --help builds it)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf(Locale.ROOT, "%s, %d runs, java %s, options %s, environment %s, cores %d%n", jar, runs,
                System.getProperty("java.version"), javaOptions, environment,
                Runtime.getRuntime().availableProcessors());
        double[] live = new double[runs];
        double[] ready = new double[runs];
        double[] liveCpu = new double[runs];
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            for (int r = 0; r < runs; r++) {
                double[] times = once(client, java, javaOptions, environment, jar.toAbsolutePath());
                live[r] = times[0];
                ready[r] = times[1];
                liveCpu[r] = times[2];
                System.out.printf(Locale.ROOT, "run %d: live %.0f ms, ready %.0f ms; the server had used %.0f ms "
                                  + "of CPU when live; load average %.1f%n", r + 1, live[r], ready[r], liveCpu[r],
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
        }
        System.out.printf(Locale.ROOT, "median: live %.0f ms (min %.0f, max %.0f), ready %.0f ms (min %.0f, max %.0f),"
                          + " CPU until live %.0f ms%n",
                median(live), Arrays.stream(live).min().orElseThrow(), Arrays.stream(live).max().orElseThrow(),
                median(ready), Arrays.stream(ready).min().orElseThrow(), Arrays.stream(ready).max().orElseThrow(),
                median(liveCpu));
    }

    /** One start: milliseconds to live and to ready. */
    private static double[] once(HttpClient client, String java, List<String> javaOptions,
                                 java.util.Map<String, String> environment, Path jar) throws Exception {
        Path directory = Files.createTempDirectory("baton-startup-");
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toString(), "server", "--port", Integer.toString(port)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("server.log").toFile());
        builder.environment().put("BATON_DATA_DIR", directory.resolve("data").toString());
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            double live = waitFor200(client, process, port, "/api/v1/health/live", start, directory);
            double liveCpu = cpuMillis(process.pid());
            double ready = waitFor200(client, process, port, "/api/v1/health/ready", start, directory);
            return new double[]{live, ready, liveCpu};
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            delete(directory);
        }
    }

    private static double waitFor200(HttpClient client, Process process, int port, String path, long start,
                                     Path directory) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = start + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; log:\n"
                                                + Files.readString(directory.resolve("server.log")));
            }
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return (System.nanoTime() - start) / 1e6;
                }
            } catch (ConnectException | HttpConnectTimeoutException e) {
                // not listening yet
            } catch (IOException e) {
                // closed while starting; try again
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(path + " did not answer 200 within 3 minutes");
    }

    /** User + system CPU time of a process from {@code /proc/<pid>/stat} (Linux; clock ticks of 10 ms), or -1. */
    private static double cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ... utime is field 14 of the full line, i.e. index 11 here
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
