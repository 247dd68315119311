package dev.baton.core.workflow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML or JSON text into a Jackson tree while recording the source position of every field.
 *
 * <p>Hostile input is bounded: document size ({@link #MAX_DOCUMENT_CHARS}), nesting depth
 * ({@link #MAX_DEPTH}), string length, and YAML aliases are refused outright (Jackson does not expand them, and
 * refusing them rules out "billion laughs" documents). Duplicate keys are errors. Thread-safe.
 */
final class SourceReader {
    /** Largest accepted document: 1 MiB of characters. */
    static final int MAX_DOCUMENT_CHARS = 1 << 20;
    /** Deepest accepted nesting of objects and arrays. */
    static final int MAX_DEPTH = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[-+]?[0-9]+");
    private static final java.util.regex.Pattern SOURCE_REFERENCE =
            java.util.regex.Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");

    private final JsonFactory json;
    private final YAMLFactory yaml;

    SourceReader() {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH + 16)
                .maxDocumentLength(MAX_DOCUMENT_CHARS * 4L)
                .maxStringLength(MAX_DOCUMENT_CHARS)
                .maxNumberLength(100)
                .build();
        json = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(0);
        loader.setAllowRecursiveKeys(false);
        loader.setNestingDepthLimit(MAX_DEPTH + 16);
        loader.setCodePointLimit(MAX_DOCUMENT_CHARS * 4);
        yaml = YAMLFactory.builder()
                .loaderOptions(loader)
                .streamReadConstraints(constraints)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /** A parsed document and where its fields are. */
    record Document(JsonNode root, SourceMap locations) {
    }

    /**
     * @throws BatonException INVALID_WORKFLOW for malformed text, oversized or too deep documents, aliases,
     *                        duplicate keys or several documents
     */
    Document read(String text, String source) {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw error(source, 0, 0, "the document is " + text.length() + " characters long; the limit is "
                    + MAX_DOCUMENT_CHARS);
        }
        if (text.isBlank()) {
            throw error(source, 0, 0, "the document is empty");
        }
        boolean isJson = text.stripLeading().startsWith("{") || text.stripLeading().startsWith("[");
        Map<String, SourceLocation> locations = new HashMap<>();
        try (JsonParser parser = isJson ? json.createParser(text) : yaml.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw error(source, 0, 0, "the document is empty");
            }
            JsonNode root = value(parser, "", 0, locations, source);
            JsonToken next = parser.nextToken();
            if (next != null) {
                SourceLocation at = location(parser.currentTokenLocation(), source);
                throw error(source, at.line(), at.column(), isJson ? "unexpected content after the JSON document"
                        : "the file holds more than one YAML document; put one workflow per file");
            }
            return new Document(root, new SourceMap(source, locations));
        } catch (StreamConstraintsException e) {
            SourceLocation at = location(e.getLocation(), source);
            throw error(source, at.line(), at.column(), "the document exceeds a size limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            SourceLocation at = problemMark(e, source);
            if (at == null) {
                at = location(e.getLocation(), source);
            }
            throw error(source, at.line(), at.column(), (isJson ? "malformed JSON: " : "malformed YAML: ")
                    + describe(e) + (isJson ? "" : unquotedExpressionHint(text, at.line())));
        } catch (IOException e) {
            throw error(source, 0, 0, "unreadable document: " + e.getMessage());
        }
    }

    private JsonNode value(JsonParser parser, String path, int depth, Map<String, SourceLocation> locations,
                           String source) throws IOException {
        SourceLocation here = location(parser.currentTokenLocation(), source);
        locations.putIfAbsent(path, here);
        if (parser instanceof YAMLParser yamlParser && yamlParser.isCurrentAlias()) {
            throw error(source, here.line(), here.column(), "YAML aliases (*" + parser.getText()
                    + ") are not supported; repeat the value instead");
        }
        if (depth > MAX_DEPTH) {
            throw error(source, here.line(), here.column(), "the document is nested deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    String child = path.isEmpty() ? name : path + "." + name;
                    SourceLocation at = location(parser.currentTokenLocation(), source);
                    locations.put(child, at);
                    if (object.has(name)) {
                        throw error(source, at.line(), at.column(), "duplicate key '" + name + "'");
                    }
                    parser.nextToken();
                    object.set(name, value(parser, child, depth + 1, locations, source));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser, path + "[" + index++ + "]", depth + 1, locations, source));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> parser instanceof YAMLParser && DECIMAL.matcher(parser.getText()).matches()
                    ? integer(new java.math.BigInteger(parser.getText())) : switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            // YAML 1.1 reads yes/no/on/off as booleans; the workflow language follows YAML 1.2 (strings).
            case VALUE_TRUE, VALUE_FALSE -> parser instanceof YAMLParser && !isYaml12Boolean(parser.getText())
                    ? NODES.textNode(parser.getText()) : NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> {
                Object embedded = parser.getEmbeddedObject();
                yield embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.textNode(String.valueOf(embedded));
            }
            default -> throw error(source, here.line(), here.column(), "unexpected " + token);
        };
    }

    /** YAML reads an unquoted {@code {{ x }}} as a nested mapping; say so when the failing line has one. */
    private static String unquotedExpressionHint(String text, int line) {
        String[] lines = text.split("\\R", -1);
        for (int l = Math.max(1, line - 1); l <= Math.min(lines.length, line); l++) {
            String content = lines[l - 1];
            int colon = content.indexOf(": {{");
            if (colon >= 0 || content.stripLeading().startsWith("- {{")) {
                return "; a value that starts with '{{' must be quoted in YAML: write \"{{ ... }}\"";
            }
        }
        return "";
    }

    private static boolean isYaml12Boolean(String text) {
        return switch (text) {
            case "true", "True", "TRUE", "false", "False", "FALSE" -> true;
            default -> false;
        };
    }

    /** Decimal integers as YAML 1.2 reads them ({@code 010} is ten, not YAML 1.1's octal eight). */
    private static JsonNode integer(java.math.BigInteger value) {
        if (value.bitLength() < 32) {
            return NODES.numberNode(value.intValue());
        }
        return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    /** The position SnakeYAML blames (more precise than the parser's current position). */
    private static SourceLocation problemMark(Throwable e, String source) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblemMark() != null) {
                return new SourceLocation(source, marked.getProblemMark().getLine() + 1, marked.getProblemMark().getColumn() + 1);
            }
        }
        return null;
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return "syntax error";
        }
        // SnakeYAML messages span lines with a snippet and marks; keep the problem statement.
        String[] lines = message.strip().split("\\R");
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("in 'reader'") || l.startsWith("at [Source") || l.startsWith("^")
                    || line.startsWith("    ")) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(l);
        }
        String result = SOURCE_REFERENCE.matcher(out.toString()).replaceAll("line $1, column $2")
                .replaceAll("Expected a field name \\(Scalar value in YAML\\), got this instead: <[^>]*>", "expected a key");
        return result.isEmpty() ? "syntax error" : result;
    }

    private static SourceLocation location(JsonLocation location, String source) {
        if (location == null || location.getLineNr() < 1) {
            return new SourceLocation(source, 0, 0);
        }
        return new SourceLocation(source, location.getLineNr(), Math.max(location.getColumnNr(), 1));
    }

    private static BatonException error(String source, int line, int column, String message) {
        SourceLocation at = new SourceLocation(source, line, column);
        FieldError error = new FieldError("", message, at);
        return new BatonException(ErrorCode.INVALID_WORKFLOW, error.toString(), List.of(error));
    }
}
