package dev.baton.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes the result rows of a batch, in input order, as JSON Lines ({@code .jsonl}/{@code .ndjson}: one object
 * per run with {@code index, source, runId, status, durationMs, outputs, error}) or CSV ({@code .csv}: the same
 * identity columns, one {@code outputs.<name>} column per top-level output, and the error's code and message;
 * values that are not scalars are written as compact JSON). Stateless and thread-safe.
 */
public final class ResultWriter {
    private final ObjectMapper json;

    public ResultWriter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Checks the output file's extension before any run starts.
     *
     * @throws BatonException INVALID_INPUT for an extension other than .jsonl, .ndjson or .csv
     */
    public static void checkFormat(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".csv"))) {
            throw BatonException.invalidInput("--output", "write results to a .jsonl or .csv file, got '" + file + "'");
        }
    }

    /** Writes every row (sorted by index), replacing the file; creates missing parent directories. */
    public void write(Path file, List<RunResult> results) {
        checkFormat(file);
        List<RunResult> rows = new ArrayList<>(results);
        rows.sort((a, b) -> Integer.compare(a.index(), b.index()));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                    writeCsv(out, rows);
                } else {
                    writeJsonLines(out, rows);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw BatonException.invalidInput("--output", "cannot write '" + file + "': " + e.getMessage());
        }
    }

    /** The JSON form of one row, as written to JSON Lines and printed with {@code --json}. */
    public ObjectNode toJson(RunResult row) {
        ObjectNode node = json.createObjectNode();
        node.put("index", row.index());
        node.put("source", row.source());
        node.put("runId", row.runId());
        node.put("status", row.status());
        node.put("durationMs", row.durationMs());
        node.set("outputs", row.outputs());
        if (row.error() == null) {
            node.putNull("error");
        } else {
            ObjectNode error = node.putObject("error");
            error.put("code", row.error().code());
            error.put("message", row.error().message());
        }
        return node;
    }

    private void writeJsonLines(Writer out, List<RunResult> rows) throws IOException {
        for (RunResult row : rows) {
            out.write(json.writeValueAsString(toJson(row)));
            out.write('\n');
        }
    }

    private void writeCsv(Writer out, List<RunResult> rows) throws IOException {
        Set<String> outputNames = new LinkedHashSet<>();
        for (RunResult row : rows) {
            if (row.outputs() != null && row.outputs().isObject()) {
                row.outputs().fieldNames().forEachRemaining(outputNames::add);
            }
        }
        List<String> header = new ArrayList<>(List.of("index", "source", "run_id", "status", "duration_ms"));
        outputNames.forEach(name -> header.add("outputs." + name));
        header.add("error_code");
        header.add("error_message");
        writeCsvRow(out, header);
        for (RunResult row : rows) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString(row.index()));
            cells.add(row.source());
            cells.add(row.runId() == null ? "" : row.runId());
            cells.add(row.status());
            cells.add(Long.toString(row.durationMs()));
            for (String name : outputNames) {
                JsonNode value = row.outputs() == null ? null : row.outputs().get(name);
                cells.add(cell(value));
            }
            cells.add(row.error() == null ? "" : row.error().code());
            cells.add(row.error() == null ? "" : row.error().message());
            writeCsvRow(out, cells);
        }
    }

    private String cell(JsonNode value) throws JsonProcessingException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        return value.isValueNode() ? value.asText() : json.writeValueAsString(value);
    }

    private static void writeCsvRow(Writer out, List<String> cells) throws IOException {
        Iterator<String> it = cells.iterator();
        while (it.hasNext()) {
            out.write(csvQuote(it.next()));
            if (it.hasNext()) {
                out.write(',');
            }
        }
        out.write("\r\n");
    }

    /** RFC 4180 quoting: fields holding a comma, quote or line break are quoted, quotes doubled. */
    static String csvQuote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
