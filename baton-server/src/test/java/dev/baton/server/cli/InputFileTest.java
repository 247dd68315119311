package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputFileTest {
    private final ObjectMapper json = new ObjectMapper();
    private final InputFile reader = new InputFile(json);

    @TempDir
    Path dir;

    @Test
    void reads_one_input_per_json_line_skipping_blank_lines() throws Exception {
        Path file = write("in.jsonl", "{\"text\":\"a\",\"n\":1}\n\n{\"text\":\"b\",\"n\":2}\n");

        List<RunInput> inputs = reader.read(file, json.createObjectNode());

        assertThat(inputs).extracting(RunInput::index).containsExactly(0, 1);
        assertThat(inputs).extracting(RunInput::source).containsExactly("in.jsonl:1", "in.jsonl:3");
        assertThat(inputs.get(1).inputs().get("n").asInt()).isEqualTo(2);
    }

    @Test
    void reads_tsv_with_header_names_as_string_fields() throws Exception {
        Path file = write("labelled.tsv", "label\ttext\r\nnews\tStocks rose today\nlicense\tPermission is granted\n");

        List<RunInput> inputs = reader.read(file, json.createObjectNode());

        assertThat(inputs).hasSize(2);
        assertThat(inputs.get(0).inputs().get("label").asText()).isEqualTo("news");
        assertThat(inputs.get(0).inputs().get("text").asText()).isEqualTo("Stocks rose today");
        assertThat(inputs.get(1).source()).isEqualTo("labelled.tsv:3");
    }

    @Test
    void reads_csv_with_quoted_separators_quotes_and_line_breaks() throws Exception {
        Path file = write("in.csv", "id,text\n1,\"hello, world\"\n2,\"she said \"\"hi\"\"\nthen left\"\n3,plain\n");

        List<RunInput> inputs = reader.read(file, json.createObjectNode());

        assertThat(inputs).extracting(i -> i.inputs().get("text").asText())
                .containsExactly("hello, world", "she said \"hi\"\nthen left", "plain");
        assertThat(inputs).extracting(RunInput::source).containsExactly("in.csv:2", "in.csv:3", "in.csv:5");
    }

    @Test
    void adds_constant_fields_to_every_record_without_overriding_its_own() throws Exception {
        Path file = write("in.jsonl", "{\"text\":\"a\",\"lang\":\"fr\"}\n{\"text\":\"b\"}\n");
        ObjectNode constants = json.createObjectNode().put("lang", "en").put("model", "bge");

        List<RunInput> inputs = reader.read(file, constants);

        assertThat(inputs.get(0).inputs().get("lang").asText()).isEqualTo("fr");
        assertThat(inputs.get(1).inputs().get("lang").asText()).isEqualTo("en");
        assertThat(inputs.get(1).inputs().get("model").asText()).isEqualTo("bge");
    }

    @Test
    void rejects_a_malformed_json_line_naming_file_and_line() throws Exception {
        Path file = write("in.jsonl", "{\"text\":\"a\"}\n{not json\n");

        assertThatThrownBy(() -> reader.read(file, json.createObjectNode()))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("in.jsonl:2:1");
    }

    @Test
    void rejects_a_json_line_that_is_not_an_object() throws Exception {
        Path file = write("in.jsonl", "[1,2]\n");

        assertThatThrownBy(() -> reader.read(file, json.createObjectNode()))
                .hasMessageContaining("in.jsonl:1:1").hasMessageContaining("expected a JSON object");
    }

    @Test
    void rejects_a_row_whose_field_count_differs_from_the_header() throws Exception {
        Path file = write("in.tsv", "label\ttext\nnews\n");

        assertThatThrownBy(() -> reader.read(file, json.createObjectNode()))
                .hasMessageContaining("in.tsv:2:1").hasMessageContaining("expected 2 fields");
    }

    @Test
    void rejects_a_header_naming_a_field_twice() throws Exception {
        Path file = write("in.csv", "text,text\na,b\n");

        assertThatThrownBy(() -> reader.read(file, json.createObjectNode())).hasMessageContaining("twice");
    }

    @Test
    void rejects_an_unknown_extension() throws Exception {
        Path file = write("in.xml", "<a/>");

        assertThatThrownBy(() -> reader.read(file, json.createObjectNode()))
                .hasMessageContaining("--input-file").hasMessageContaining(".jsonl");
    }

    @Test
    void converts_csv_cells_to_the_types_the_input_schema_declares() throws Exception {
        Path file = write("in.csv", "n,ratio,ok,tags,name,d\n7,0.5,true,\"[1,2]\",007,\n x,1,no,[],8,1ms\n");
        var schema = json.readTree("""
                {"type": "object", "properties": {"n": {"type": "integer"}, "ratio": {"type": "number"},
                 "ok": {"type": "boolean"}, "tags": {"type": "array"}, "name": {"type": "string"},
                 "d": {"type": "string"}}}""");

        List<RunInput> inputs = reader.read(file, json.createObjectNode(), schema);

        ObjectNode first = inputs.get(0).inputs();
        assertThat(first.get("n").isIntegralNumber()).isTrue();
        assertThat(first.get("n").asInt()).isEqualTo(7);
        assertThat(first.get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(first.get("ok").isBoolean()).isTrue();
        assertThat(first.get("tags").isArray()).isTrue();
        assertThat(first.get("name").asText()).isEqualTo("007");
        assertThat(first.get("d").asText()).isEmpty();
        ObjectNode second = inputs.get(1).inputs();
        assertThat(second.get("n").isTextual()).as("a cell that does not convert stays a string").isTrue();
        assertThat(second.get("ok").asText()).isEqualTo("no");
    }

    @Test
    void a_missing_file_is_named_as_missing() {
        assertThatThrownBy(() -> reader.read(dir.resolve("absent.txt"), json.createObjectNode()))
                .isInstanceOf(BatonException.class).hasMessageContaining("does not exist");
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
