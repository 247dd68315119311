package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code baton run} end to end in process: real parser, validator and engine on transform workflows. */
class RunCommandTest {
    private static final String DIVIDE = """
            id: divide
            description: divides twelve by d
            inputs:
              type: object
              required: [d]
              properties:
                d: {type: string}
                tag: {type: string}
            steps:
              divide:
                uses: transform
                with:
                  value:
                    quotient: "{{ 12 / int(inputs.d) }}"
                    label: "d={{ inputs.d }}"
            outputs:
              quotient: "{{ steps.divide.output.quotient }}"
              label: "{{ steps.divide.output.label }}"
            """;
    private static final String MEASURE = """
            id: measure
            inputs:
              type: object
              required: [text, name]
              properties:
                text: {type: string}
                path: {type: string}
                name: {type: string}
                unit: {type: string}
            steps:
              measure:
                uses: transform
                with:
                  value:
                    name: "{{ inputs.name }}"
                    length: "{{ size(inputs.text) }}"
                    unit: "{{ inputs.unit }}"
            outputs:
              name: "{{ steps.measure.output.name }}"
              length: "{{ steps.measure.output.length }}"
              unit: "{{ steps.measure.output.unit }}"
            """;

    private final ObjectMapper json = new ObjectMapper();
    private final CoreBackend backend = new CoreBackend();
    private final CliHarness cli = new CliHarness(backend);

    @TempDir
    Path dir;
    private Path divide;
    private Path data;

    @BeforeEach
    void writeWorkflows() throws Exception {
        divide = Files.writeString(dir.resolve("divide.yaml"), DIVIDE);
        data = dir.resolve("data");
    }

    @Test
    void one_input_prints_outputs_status_and_step_timings_as_json() throws Exception {
        CliHarness.Result result = cli.run("run", divide.toString(), "--input", "d=4", "--data-dir", data.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode report = json.readTree(result.out());
        assertThat(report.get("workflow").asText()).isEqualTo("divide");
        assertThat(report.get("status").asText()).isEqualTo("succeeded");
        assertThat(report.at("/outputs/quotient").asInt()).isEqualTo(3);
        assertThat(report.at("/outputs/label").asText()).isEqualTo("d=4");
        assertThat(report.get("durationMs").isNumber()).isTrue();
        assertThat(report.get("steps")).hasSize(1);
        assertThat(report.at("/steps/0/step").asText()).isEqualTo("divide");
        assertThat(report.at("/steps/0/status").asText()).isEqualTo("succeeded");
        assertThat(report.at("/steps/0/durationMs").isNumber()).isTrue();
        assertThat(backend.closed.get()).isEqualTo(backend.opened.get()).isEqualTo(1);
    }

    @Test
    void a_failing_run_exits_1_and_reports_its_error() throws Exception {
        CliHarness.Result result = cli.run("run", divide.toString(), "--input", "d=0", "--data-dir", data.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode report = json.readTree(result.out());
        assertThat(report.get("status").asText()).isEqualTo("failed");
        assertThat(report.at("/error/code").asText()).isNotEmpty();
        assertThat(report.at("/steps/0/status").asText()).isEqualTo("failed");
    }

    @Test
    void inputs_that_violate_the_schema_exit_2() {
        CliHarness.Result result = cli.run("run", divide.toString(), "--input", "tag=x", "--data-dir", data.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("error:").contains("d");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void an_invalid_workflow_exits_2_naming_the_line() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "id: broken\nsteps:\n  a:\n    uses: no-such-type\n");

        CliHarness.Result result = cli.run("run", broken.toString(), "--data-dir", data.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no-such-type");
    }

    @Test
    void a_tsv_file_runs_once_per_row_and_writes_json_lines_and_a_summary() throws Exception {
        Path tsv = Files.writeString(dir.resolve("in.tsv"), "d\ttag\n1\ta\n2\tb\n3\tc\n4\td\n");
        Path out = dir.resolve("out/results.jsonl");

        CliHarness.Result result = cli.run("run", divide.toString(), "--input-file", tsv.toString(),
                "--output", out.toString(), "--concurrency", "3", "--data-dir", data.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> rows = readJsonLines(out);
        assertThat(rows).extracting(r -> r.get("source").asText())
                .containsExactly("in.tsv:2", "in.tsv:3", "in.tsv:4", "in.tsv:5");
        assertThat(rows).extracting(r -> r.at("/outputs/quotient").asInt()).containsExactly(12, 6, 4, 3);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("succeeded");
            assertThat(r.get("runId").asText()).isNotEmpty();
            assertThat(r.get("durationMs").asLong()).isNotNegative();
        });
        assertThat(result.out()).contains("4 runs: 4 succeeded, 0 failed").contains("p50").contains("p95")
                .contains("runs/s").contains("results: " + out);
        assertThat(result.err()).contains("progress: 4/4 runs");
    }

    @Test
    void a_csv_batch_with_a_failing_row_exits_1_and_writes_csv_rows() throws Exception {
        Path csv = Files.writeString(dir.resolve("in.csv"), "d,tag\n2,\"x, y\"\n0,zero\n6,z\n");
        Path out = dir.resolve("results.csv");

        CliHarness.Result result = cli.run("run", divide.toString(), "--input-file", csv.toString(),
                "--output", out.toString(), "--data-dir", data.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).startsWith("index,source,run_id,status,duration_ms,outputs.quotient,outputs.label,");
        assertThat(lines.get(1)).startsWith("0,in.csv:2,").contains(",succeeded,").contains(",6,d=2,");
        assertThat(lines.get(2)).startsWith("1,in.csv:3,").contains(",failed,");
        assertThat(lines.get(3)).startsWith("2,in.csv:4,").contains(",2,d=6,");
        assertThat(result.out()).contains("3 runs: 2 succeeded, 1 failed").contains("failed in.csv:3");
    }

    @Test
    void rows_the_engine_refuses_are_recorded_as_rejected_and_the_batch_goes_on() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("in.jsonl"), "{\"d\":\"3\"}\n{\"tag\":\"no d\"}\n");
        Path out = dir.resolve("results.jsonl");

        CliHarness.Result result = cli.run("run", divide.toString(), "--input-file", jsonl.toString(),
                "--output", out.toString(), "--data-dir", data.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        List<JsonNode> rows = readJsonLines(out);
        assertThat(rows.get(0).get("status").asText()).isEqualTo("succeeded");
        assertThat(rows.get(1).get("status").asText()).isEqualTo("rejected");
        assertThat(rows.get(1).at("/error/code").asText()).isEqualTo("invalid-input");
    }

    @Test
    void json_output_prints_the_summary_as_json() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("in.jsonl"), "{\"d\":\"1\"}\n{\"d\":\"2\"}\n");
        Path out = dir.resolve("results.jsonl");

        CliHarness.Result result = cli.run("run", divide.toString(), "--input-file", jsonl.toString(),
                "--output", out.toString(), "--json", "--data-dir", data.toString());

        assertThat(result.exitCode()).isZero();
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("total").asInt()).isEqualTo(2);
        assertThat(summary.get("succeeded").asInt()).isEqualTo(2);
        assertThat(summary.get("failed").asInt()).isZero();
        assertThat(summary.has("p50Ms")).isTrue();
        assertThat(summary.has("p95Ms")).isTrue();
        assertThat(summary.has("runsPerSecond")).isTrue();
        assertThat(summary.get("results").asText()).isEqualTo(out.toString());
        assertThat(result.err()).doesNotContain("progress");
    }

    @Test
    void a_directory_runs_once_per_text_file_with_text_path_name_and_constant_inputs() throws Exception {
        Path measure = Files.writeString(dir.resolve("measure.yaml"), MEASURE);
        Path docs = Files.createDirectories(dir.resolve("docs/nested"));
        Files.writeString(dir.resolve("docs/one.txt"), "abc");
        Files.writeString(docs.resolve("two.md"), "hello world");
        Files.write(dir.resolve("docs/blob.bin"), new byte[]{1, 0, 2, 0});

        CliHarness.Result result = cli.run("run", measure.toString(), "--input-dir", dir.resolve("docs").toString(),
                "--input", "unit=chars", "--data-dir", data.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("skipped " + dir.resolve("docs/blob.bin") + " (not UTF-8 text)");
        String resultsLine = result.out().lines().filter(l -> l.startsWith("results: ")).findFirst().orElseThrow();
        Path out = Path.of(resultsLine.substring("results: ".length()));
        assertThat(out).startsWith(data.resolve("results"));
        assertThat(out.getFileName().toString()).startsWith("measure-").endsWith(".jsonl");
        List<JsonNode> rows = readJsonLines(out);
        assertThat(rows).extracting(r -> r.at("/outputs/name").asText()).containsExactly("two.md", "one.txt");
        assertThat(rows).extracting(r -> r.at("/outputs/length").asInt()).containsExactly(11, 3);
        assertThat(rows).extracting(r -> r.at("/outputs/unit").asText()).containsOnly("chars");
        assertThat(rows.get(0).get("source").asText()).isEqualTo(docs.resolve("two.md").toString());
    }

    @Test
    void a_data_directory_held_by_another_process_exits_1_with_a_hint() {
        CliBackend held = new CliBackend() {
            @Override
            public dev.baton.core.workflow.Workflow validate(String source, String sourceName) {
                return backend.validate(source, sourceName);
            }

            @Override
            public LocalNode openLocal(Path dataDir) {
                throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "store: database may be already in use");
            }

            @Override
            public RunningServer startServer(String host, Integer port, Path configFile) {
                throw new AssertionError("not used");
            }
        };

        CliHarness.Result result = new CliHarness(held).run("run", divide.toString(), "--input", "d=1",
                "--data-dir", data.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("already in use").contains("another --data-dir");
    }

    @Test
    void validate_prints_ok_with_the_steps() {
        CliHarness.Result result = cli.run("validate", divide.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("OK " + divide + ": workflow 'divide', 1 step").contains("divide: transform");
    }

    @Test
    void validate_prints_every_error_with_file_line_and_column_and_exits_2() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), """
                id: broken
                steps:
                  a:
                    uses: transform
                    with: {value: 1}
                    needs: [nowhere]
                  b:
                    uses: no-such-type
                """);

        CliHarness.Result result = cli.run("validate", broken.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(broken + ": invalid workflow");
        List<String> errorLines = new ArrayList<>(result.err().lines().skip(1).toList());
        assertThat(errorLines).anySatisfy(l -> assertThat(l).startsWith(broken + ":").contains("nowhere"));
        assertThat(errorLines).anySatisfy(l -> assertThat(l).matches(".*broken\\.yaml:\\d+:\\d+: .*no-such-type.*"));
    }

    @Test
    void validate_json_lists_errors_as_objects() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "id: broken\nsteps:\n  a:\n    uses: nope\n");

        CliHarness.Result result = cli.run("validate", broken.toString(), "--json");

        assertThat(result.exitCode()).isEqualTo(2);
        JsonNode report = json.readTree(result.out());
        assertThat(report.get("valid").asBoolean()).isFalse();
        assertThat(report.get("errors")).isNotEmpty();
        assertThat(report.at("/errors/0/line").asInt()).isPositive();
    }

    private List<JsonNode> readJsonLines(Path file) throws Exception {
        try (Stream<String> lines = Files.lines(file)) {
            List<JsonNode> rows = new ArrayList<>();
            for (String line : lines.toList()) {
                rows.add(json.readTree(line));
            }
            return rows;
        }
    }
}
