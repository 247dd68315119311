package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.run.StepError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultWriterTest {
    private final ObjectMapper json = new ObjectMapper();
    private final ResultWriter writer = new ResultWriter(json);

    @TempDir
    Path dir;

    private List<RunResult> rows() throws Exception {
        JsonNode outputs = json.readTree("{\"label\":\"news, daily\",\"scores\":{\"news\":0.9}}");
        return List.of(
                new RunResult(1, "in.tsv:3", null, RunResult.REJECTED, null,
                        new StepError("invalid-input", "text: is required", false), 0),
                new RunResult(0, "in.tsv:2", "r-1", "succeeded", outputs, null, 42));
    }

    @Test
    void writes_json_lines_in_input_order() throws Exception {
        Path file = dir.resolve("out/results.jsonl");

        writer.write(file, rows());

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("source").asText()).isEqualTo("in.tsv:2");
        assertThat(first.get("status").asText()).isEqualTo("succeeded");
        assertThat(first.get("durationMs").asLong()).isEqualTo(42);
        assertThat(first.at("/outputs/scores/news").asDouble()).isEqualTo(0.9);
        assertThat(first.get("error").isNull()).isTrue();
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("runId").isNull()).isTrue();
        assertThat(second.at("/error/code").asText()).isEqualTo("invalid-input");
    }

    @Test
    void writes_csv_with_one_column_per_output_and_quoting() throws Exception {
        Path file = dir.resolve("results.csv");

        writer.write(file, rows());

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(
                "index,source,run_id,status,duration_ms,outputs.label,outputs.scores,error_code,error_message");
        assertThat(lines.get(1)).isEqualTo("0,in.tsv:2,r-1,succeeded,42,\"news, daily\",\"{\"\"news\"\":0.9}\",,");
        assertThat(lines.get(2)).isEqualTo("1,in.tsv:3,,rejected,0,,,invalid-input,text: is required");
    }

    @Test
    void refuses_an_output_file_of_another_format() {
        assertThatThrownBy(() -> ResultWriter.checkFormat(dir.resolve("out.xlsx")))
                .hasMessageContaining("--output").hasMessageContaining(".jsonl or .csv");
    }
}
