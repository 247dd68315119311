package dev.baton.server.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChildNode} running in its own JVM (same {@code java} binary and class path as the test), with its
 * output in a log file. {@link #kill()} is a real crash: {@link Process#destroyForcibly()} is SIGKILL on Linux
 * and macOS (no shutdown hooks, no finally blocks, no orderly close of the store).
 *
 * <p>Not thread-safe: one test drives it. {@link #close()} always leaves no process behind.
 */
final class ChildProcess implements AutoCloseable {
    /** Exit status of a process killed by SIGKILL (128 + 9), as {@link Process#exitValue()} reports it. */
    static final int SIGKILL_EXIT = 137;
    /** The child's logging configuration (a class path resource). */
    private static final String LOGGING = "dev/baton/server/durability/logback-child.xml";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Process process;
    private final Path log;
    private final Path portFile;

    private ChildProcess(String name, Process process, Path log, Path portFile) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.portFile = portFile;
    }

    /**
     * Launches a child node.
     *
     * @param workDir its working directory; its log ({@code <name>.log}) and port file go there too
     * @param env     the {@code BATON_*} settings (the parent's own {@code BATON_*} variables are not inherited)
     */
    static ChildProcess launch(Path workDir, String name, Map<String, String> env) throws IOException {
        Path log = workDir.resolve(name + ".log");
        Path portFile = workDir.resolve(name + ".port");
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=" + LOGGING,
                "-cp", System.getProperty("java.class.path"),
                ChildNode.class.getName(), portFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("BATON_"));
        builder.environment().putAll(env);
        return new ChildProcess(name, builder.start(), log, portFile);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Waits until the child's API listens and returns its base URL; fails with the log if the child dies. */
    URI awaitListening() throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Files.exists(portFile)) {
            if (!process.isAlive()) {
                throw new AssertionError("child '" + name + "' exited with " + process.exitValue()
                        + " before listening:\n" + log());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("child '" + name + "' did not listen within " + START_TIMEOUT + ":\n" + log());
            }
            Thread.sleep(20);
        }
        try {
            return URI.create("http://127.0.0.1:" + Files.readString(portFile).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
