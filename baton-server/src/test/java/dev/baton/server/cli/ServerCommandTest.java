package dev.baton.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code baton server} on the production backend (in-memory store from a config file, port 0), driven by the
 * CLI's own client commands: the routes the client calls are the routes the server serves.
 */
class ServerCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+) ");

    @TempDir
    Path dir;

    @Test
    void serves_the_api_that_the_client_commands_use() throws Exception {
        Path config = Files.writeString(dir.resolve("baton.yaml"),
                "dataDir: " + dir.resolve("data") + "\nstore:\n  type: memory\n");
        StringBuilderWriter serverOut = new StringBuilderWriter();
        CliHarness server = new CliHarness(new NodeBackend());
        AtomicReference<Thread> serverThread = new AtomicReference<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            serverThread.set(Thread.currentThread());
            return server.run(serverOut, "server", "--port", "0", "--config", config.toString()).exitCode();
        });
        String url = serverOut.await(LISTENING, 60);
        try {
            CliHarness client = new CliHarness(new NodeBackend());

            CliHarness.Result registered = client.run("workflows", "register",
                    Path.of("..", "examples", "news-topics.yaml").toString(), "--server", url);
            CliHarness.Result listed = client.run("workflows", "list", "--server", url);
            CliHarness.Result runs = client.run("runs", "list", "--server", url);
            CliHarness.Result missing = client.run("runs", "get", "no-such-run", "--server", url);

            assertThat(registered.exitCode()).as(registered.err()).isZero();
            assertThat(registered.out()).contains("registered workflow 'news-topics' version 1");
            assertThat(listed.out()).contains("news-topics").contains("v1");
            assertThat(runs.exitCode()).as(runs.err()).isZero();
            assertThat(runs.out()).contains("no runs");
            assertThat(missing.exitCode()).isEqualTo(2);
            assertThat(missing.err()).contains("no-such-run").contains("HTTP 404");
        } finally {
            serverThread.get().interrupt();
            exit.get(30, TimeUnit.SECONDS);
        }
    }

    /** Collects output and lets the test wait for a line. */
    static final class StringBuilderWriter extends java.io.Writer {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            text.append(buffer, offset, length);
            notifyAll();
        }

        @Override
        public void flush() {
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }

        @Override
        public void close() {
        }

        /** Waits until the pattern matches; returns its first group. */
        synchronized String await(Pattern pattern, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                Matcher matcher = pattern.matcher(text);
                if (matcher.find()) {
                    return matcher.group(1);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no match for " + pattern + " in: " + text);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
