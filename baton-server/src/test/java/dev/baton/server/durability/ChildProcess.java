package dev.baton.server.durability;

import dev.baton.server.cli.BatonCli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code baton server} (the real CLI main, {@link BatonCli}) running in its own JVM with the same {@code java}
 * binary and class path as the test, configured by {@code BATON_*} environment variables, with its output in a
 * log file. {@link #kill()} is a real crash: {@link Process#destroyForcibly()} is SIGKILL on Linux and macOS (no
 * shutdown hooks, no finally blocks, no orderly close of the store).
 *
 * <p>Not thread-safe: one test drives it. {@link #close()} always leaves no process behind.
 */
final class ChildProcess implements AutoCloseable {
    /** Exit status of a process killed by SIGKILL (128 + 9), as {@link Process#exitValue()} reports it. */
    static final int SIGKILL_EXIT = 137;
    /** The child's logging configuration (a class path resource). */
    private static final String LOGGING = "dev/baton/server/durability/logback-child.xml";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** What {@code baton server} prints once it answers requests. */
    private static final Pattern LISTENING = Pattern.compile("Baton server listening on (http://[^ ]+)");

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Launches a child node.
     *
     * @param workDir its working directory; its log ({@code <name>.log}) goes there too
     * @param env     the {@code BATON_*} settings (the parent's own {@code BATON_*} variables are not inherited)
     */
    static ChildProcess launch(Path workDir, String name, Map<String, String> env) throws IOException {
        Path log = workDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=" + LOGGING,
                "-cp", System.getProperty("java.class.path"),
                BatonCli.class.getName(), "server", "--host", "127.0.0.1", "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("BATON_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        // Should the test JVM end without @AfterEach (e.g. a surefire timeout), no server is left running.
        ProcessHandle handle = process.toHandle();
        Runtime.getRuntime().addShutdownHook(new Thread(handle::destroyForcibly, "kill-baton-child-" + name));
        return new ChildProcess(name, process, log);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Waits until the child's API answers and returns its base URL; fails with the log if the child dies. */
    URI awaitListening() throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            Matcher listening = LISTENING.matcher(log());
            if (listening.find()) {
                return URI.create(listening.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("child '" + name + "' exited with " + process.exitValue()
                        + " before listening:\n" + log());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("child '" + name + "' did not listen within " + START_TIMEOUT + ":\n" + log());
            }
            Thread.sleep(20);
        }
    }

    /** The first log line containing {@code text}, or "". */
    String logLine(String text) {
        return log().lines().filter(line -> line.contains(text)).findFirst().orElse("");
    }

    /** Whether the process is still running. */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the process with SIGKILL and waits until it is gone.
     *
     * @return its exit status ({@link #SIGKILL_EXIT} when the kill, not anything else, ended it)
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("child '" + name + "' (pid " + process.pid() + ") survived SIGKILL");
        }
        return process.exitValue();
    }

    /**
     * Asks the process to stop with SIGTERM ({@link Process#destroy()} on Linux and macOS: shutdown hooks run) and
     * returns at once; {@link #awaitExit} waits for it.
     */
    void terminate() {
        process.destroy();
    }

    /** Waits up to {@code timeout} for the process to end; its exit status, or -1 when it still runs. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** The child's output so far (stdout and stderr). */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last {@code lines} lines of the log, headed by the child's name, for failure reports. */
    String logTail(int lines) {
        List<String> all = log().lines().toList();
        return "----- child '" + name + "' (pid " + process.pid() + "), last " + Math.min(lines, all.size())
               + " of " + all.size() + " lines -----\n"
               + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
