package dev.baton.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the inputs of a batch from a file, one run per record: JSON Lines ({@code .jsonl}, {@code .ndjson}: one
 * object per line), CSV ({@code .csv}, RFC 4180 quoting) or TSV ({@code .tsv}: tab-separated, no quoting). For
 * CSV and TSV the first row names the fields; a cell is a string unless the workflow's input schema declares the
 * field as {@code integer}, {@code number}, {@code boolean}, {@code array} or {@code object}, in which case it is
 * converted (an empty cell is then left out, so schema defaults apply; a cell that does not convert stays a
 * string and the schema check names it). Blank lines are skipped.
 *
 * <p>Stateless and thread-safe.
 */
public final class InputFile {
    private final ObjectMapper json;

    public InputFile(ObjectMapper json) {
        this.json = json;
    }

    /** The supported formats, by file extension. */
    enum Format { JSONL, CSV, TSV }

    /**
     * Reads every record of the file.
     *
     * @param file      the input file; its extension selects the format
     * @param constants fields added to every record (a record's own field of the same name wins)
     * @return one input per record, indexed from 0, sourced as {@code <file name>:<line>}
     * @throws BatonException INVALID_INPUT for an unknown extension, an unreadable file, a malformed line or a
     *                        row whose field count differs from the header's, naming the line
     */
    public List<RunInput> read(Path file, ObjectNode constants) {
        return read(file, constants, null);
    }

    /**
     * Reads every record of the file, converting CSV/TSV cells to the types {@code inputSchema} declares for
     * their fields (see the class comment).
     *
     * @param inputSchema the workflow's input schema, or {@code null} to keep every cell a string
     */
    public List<RunInput> read(Path file, ObjectNode constants, JsonNode inputSchema) {
        if (!Files.exists(file)) {
            throw BatonException.invalidInput("--input-file", "'" + file + "' does not exist");
        }
        Format format = formatOf(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new BatonException(ErrorCode.INVALID_INPUT, "cannot read input file " + file + ": " + e.getMessage(), e);
        }
        String name = file.getFileName().toString();
        return switch (format) {
            case JSONL -> readJsonLines(name, lines, constants);
            case CSV -> readTable(name, String.join("\n", lines), ',', constants, inputSchema);
            case TSV -> readTable(name, String.join("\n", lines), '\t', constants, inputSchema);
        };
    }

    static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Format.JSONL;
        }
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return Format.TSV;
        }
        throw BatonException.invalidInput("--input-file",
                "cannot tell the format of '" + file + "': use a .jsonl, .ndjson, .csv or .tsv file");
    }

    private List<RunInput> readJsonLines(String name, List<String> lines, ObjectNode constants) {
        List<RunInput> inputs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int lineNumber = i + 1;
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw malformed(name, lineNumber, "not valid JSON: " + e.getOriginalMessage());
            }
            if (!(node instanceof ObjectNode object)) {
                throw malformed(name, lineNumber, "expected a JSON object per line, got " + node.getNodeType());
            }
            inputs.add(new RunInput(inputs.size(), name + ":" + lineNumber, withConstants(object, constants)));
        }
        return inputs;
    }

    private List<RunInput> readTable(String name, String text, char separator, ObjectNode constants,
                                     JsonNode inputSchema) {
        List<DelimitedText.Row> rows = DelimitedText.parse(text, separator, separator == ',');
        List<RunInput> inputs = new ArrayList<>();
        List<String> header = null;
        for (DelimitedText.Row row : rows) {
            if (row.isBlank()) {
                continue;
            }
            if (header == null) {
                header = row.fields().stream().map(String::strip).toList();
                checkHeader(name, row.line(), header);
                continue;
            }
            if (row.fields().size() != header.size()) {
                throw malformed(name, row.line(), "expected " + header.size() + " fields as in the header, got "
                        + row.fields().size());
            }
            ObjectNode object = json.createObjectNode();
            for (int c = 0; c < header.size(); c++) {
                JsonNode value = cell(header.get(c), row.fields().get(c), inputSchema);
                if (value != null) {
                    object.set(header.get(c), value);
                }
            }
            inputs.add(new RunInput(inputs.size(), name + ":" + row.line(), withConstants(object, constants)));
        }
        return inputs;
    }

    private static void checkHeader(String name, int line, List<String> header) {
        for (int c = 0; c < header.size(); c++) {
            String field = header.get(c);
            if (field.isEmpty()) {
                throw malformed(name, line, "header field " + (c + 1) + " is empty");
            }
            if (header.indexOf(field) != c) {
                throw malformed(name, line, "header names field '" + field + "' twice");
            }
        }
    }

    /** A table cell as the type the schema declares for its field; {@code null} to leave an empty cell out. */
    private JsonNode cell(String field, String text, JsonNode inputSchema) {
        String type = inputSchema == null ? "" : inputSchema.path("properties").path(field).path("type").asText("");
        if (type.isEmpty() || type.equals("string")) {
            return TextNode.valueOf(text);
        }
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        try {
            JsonNode value = json.readTree(trimmed);
            boolean fits = switch (type) {
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "boolean" -> value.isBoolean();
                case "array" -> value.isArray();
                case "object" -> value.isObject();
                default -> false;
            };
            return fits ? value : TextNode.valueOf(text);
        } catch (IOException e) {
            return TextNode.valueOf(text);
        }
    }

    static ObjectNode withConstants(ObjectNode record, ObjectNode constants) {
        if (constants == null || constants.isEmpty()) {
            return record;
        }
        ObjectNode merged = constants.deepCopy();
        merged.setAll(record);
        return merged;
    }

    private static BatonException malformed(String name, int line, String message) {
        SourceLocation at = new SourceLocation(name, line, 1);
        return new BatonException(ErrorCode.INVALID_INPUT, at + ": " + message,
                List.of(new FieldError("--input-file", message, at)));
    }
}
