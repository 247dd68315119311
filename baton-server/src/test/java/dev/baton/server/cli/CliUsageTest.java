package dev.baton.server.cli;

import dev.baton.core.workflow.Workflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage errors are caught before any node is opened: exit 2 with a message naming the problem. */
class CliUsageTest {
    /** A backend that fails the test if the CLI reaches it. */
    private static final CliBackend UNREACHABLE = new CliBackend() {
        @Override
        public Workflow validate(String source, String sourceName) {
            throw new AssertionError("validate must not be called");
        }

        @Override
        public LocalNode openLocal(Path dataDir) {
            throw new AssertionError("openLocal must not be called");
        }

        @Override
        public RunningServer startServer(String host, Integer port, Path configFile) {
            throw new AssertionError("startServer must not be called");
        }
    };

    private final CliHarness cli = new CliHarness(UNREACHABLE);

    @TempDir
    Path dir;

    @Test
    void no_command_is_a_usage_error() {
        CliHarness.Result result = cli.run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("name a command");
    }

    @Test
    void an_unknown_option_is_a_usage_error() {
        CliHarness.Result result = cli.run("run", "--no-such-option", "x.yaml");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void a_missing_workflow_file_is_invalid_input() {
        CliHarness.Result result = cli.run("run", dir.resolve("missing.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("workflow file").contains("does not exist");
    }

    @Test
    void input_file_and_input_dir_together_are_refused() throws Exception {
        Path workflow = Files.writeString(dir.resolve("w.yaml"), "id: w\n");

        CliHarness.Result result = cli.run("run", workflow.toString(), "--input-file", "a.jsonl", "--input-dir", "d");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("either --input-file or --input-dir");
    }

    @Test
    void a_malformed_input_file_is_refused_with_its_line() throws Exception {
        Path workflow = Files.writeString(dir.resolve("w.yaml"), "id: w\n");
        Path inputs = Files.writeString(dir.resolve("in.jsonl"), "{\"text\":\"ok\"}\n{oops\n");

        CliHarness.Result result = cli.run("run", workflow.toString(), "--input-file", inputs.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("in.jsonl:2:1");
    }

    @Test
    void an_empty_input_directory_is_refused() throws Exception {
        Path workflow = Files.writeString(dir.resolve("w.yaml"), "id: w\n");
        Path empty = Files.createDirectories(dir.resolve("empty"));

        CliHarness.Result result = cli.run("run", workflow.toString(), "--input-dir", empty.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no inputs found");
    }

    @Test
    void an_output_file_of_an_unknown_format_is_refused_before_running() throws Exception {
        Path workflow = Files.writeString(dir.resolve("w.yaml"), "id: w\n");
        Path inputs = Files.writeString(dir.resolve("in.jsonl"), "{\"text\":\"ok\"}\n");

        CliHarness.Result result = cli.run("run", workflow.toString(), "--input-file", inputs.toString(),
                "--output", dir.resolve("out.txt").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--output");
    }

    @Test
    void a_bad_concurrency_is_refused() throws Exception {
        Path workflow = Files.writeString(dir.resolve("w.yaml"), "id: w\n");

        CliHarness.Result result = cli.run("run", workflow.toString(), "--concurrency", "0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--concurrency");
    }

    @Test
    void a_bad_server_url_is_refused() {
        CliHarness.Result result = cli.run("runs", "list", "--server", "localhost:8080");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--server").contains("http://host:port");
    }

    @Test
    void version_names_the_program() {
        CliHarness.Result result = cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("baton ");
    }
}
