package dev.baton.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The deterministic answers of the fake upstreams, public so tests can compute what to expect.
 * <ul>
 *   <li>a <b>token</b> is a whitespace-separated word: {@link #tokens(String)};</li>
 *   <li>chat text answers {@code "You said: " + <last user text>} ({@link #echo}); streamed one word per event
 *       ({@link #pieces});</li>
 *   <li>structured output is a JSON value generated from the schema ({@link #sample}): valid for schemas built
 *       from {@code type} object/array/string/integer/number/boolean/null, {@code properties},
 *       {@code required}, {@code items}, {@code minItems}, {@code enum}, {@code const}, {@code anyOf}/{@code oneOf};</li>
 *   <li>embeddings are unit vectors seeded by the text ({@link #embedding}): the same text always gives the same
 *       vector, different texts almost surely different ones.</li>
 * </ul>
 */
public final class FakeAnswers {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FakeAnswers() {
    }

    /** The fake's token count of {@code text}: its number of whitespace-separated words. */
    public static int tokens(String text) {
        if (text == null) {
            return 0;
        }
        String stripped = text.strip();
        return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
    }

    /** The text answer to a conversation whose last user message is {@code lastUserText}. */
    public static String echo(String lastUserText) {
        return "You said: " + lastUserText;
    }

    /** {@code text} cut into stream pieces, one word each with its leading whitespace; they concatenate to it. */
    public static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            pieces.add(text.substring(start, i));
            start = i;
        }
        return pieces;
    }

    /** A JSON value valid against {@code schema} (see the class comment for the supported keywords). */
    public static JsonNode sample(JsonNode schema, String text) {
        if (schema == null || !schema.isObject()) {
            return NODES.objectNode().put("answer", text);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        for (String choice : List.of("anyOf", "oneOf")) {
            if (schema.path(choice).isArray() && !schema.get(choice).isEmpty()) {
                return sample(schema.get(choice).get(0), text);
            }
        }
        JsonNode type = schema.get("type");
        String kind = type == null ? (schema.has("properties") ? "object" : "string")
                : type.isArray() ? firstNonNull(type) : type.asText();
        return switch (kind) {
            case "object" -> {
                ObjectNode object = NODES.objectNode();
                schema.path("properties").properties().forEach(p -> object.set(p.getKey(), sample(p.getValue(), text)));
                yield object;
            }
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                int count = Math.max(1, schema.path("minItems").asInt(1));
                for (int i = 0; i < count; i++) {
                    array.add(sample(schema.get("items"), text));
                }
                yield array;
            }
            case "integer" -> NODES.numberNode(Math.max(schema.path("minimum").asInt(0), 1));
            case "number" -> NODES.numberNode(Math.max(schema.path("minimum").asDouble(0), 1.5));
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(text);
        };
    }

    private static String firstNonNull(JsonNode types) {
        for (JsonNode t : types) {
            if (!"null".equals(t.asText())) {
                return t.asText();
            }
        }
        return "null";
    }

    /** A unit vector of {@code dimensions} floats seeded by {@code text}. */
    public static float[] embedding(String text, int dimensions) {
        long seed = 1125899906842597L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            seed = 31 * seed + b;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double value = random.nextDouble(-1, 1);
            vector[i] = (float) value;
            norm += value * value;
        }
        double scale = norm == 0 ? 0 : 1 / Math.sqrt(norm);
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (vector[i] * scale);
        }
        return vector;
    }
}
