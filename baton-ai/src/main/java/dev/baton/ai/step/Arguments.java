package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads step arguments ({@code with}, rendered JSON) into Java values, turning every bad value into
 * {@code INVALID_ARGUMENT} naming the argument (e.g. {@code texts[2]}) and the reason.
 */
final class Arguments {
    private Arguments() {
    }

    static BatonException invalid(String field, String message) {
        return new BatonException(ErrorCode.INVALID_ARGUMENT, field + ": " + message,
                List.of(new FieldError(field, message)));
    }

    /** The argument, or null when absent or JSON null. */
    static JsonNode optional(JsonNode arguments, String field) {
        JsonNode node = arguments.get(field);
        return node == null || node.isNull() ? null : node;
    }

    static JsonNode required(JsonNode arguments, String field) {
        JsonNode node = optional(arguments, field);
        if (node == null) {
            throw invalid(field, "is required");
        }
        return node;
    }

    static void requireObject(JsonNode arguments) {
        if (arguments == null || !arguments.isObject()) {
            throw invalid("with", "must be an object");
        }
    }

    /** A non-blank string. */
    static String text(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw invalid(field, "must be a string, got " + kind(node));
        }
        String text = node.textValue();
        if (text.isBlank()) {
            throw invalid(field, "must not be empty or blank");
        }
        return text;
    }

    /** A non-empty list of non-blank strings. */
    static List<String> texts(JsonNode node, String field) {
        if (!node.isArray()) {
            throw invalid(field, "must be a list of strings, got " + kind(node));
        }
        if (node.isEmpty()) {
            throw invalid(field, "must contain at least one text");
        }
        List<String> texts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            texts.add(text(node.get(i), field + "[" + i + "]"));
        }
        return texts;
    }

    /** A non-empty, non-zero list of finite numbers. */
    static float[] vector(JsonNode node, String field) {
        if (!node.isArray() || node.isEmpty()) {
            throw invalid(field, "must be a text or a non-empty list of numbers, got " + kind(node));
        }
        float[] vector = new float[node.size()];
        boolean zero = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode x = node.get(i);
            if (!x.isNumber() || !Float.isFinite(x.floatValue())) {
                throw invalid(field + "[" + i + "]", "must be a number within the float range, got "
                        + (x.isNumber() ? x.asText() : kind(x)));
            }
            vector[i] = x.floatValue();
            zero &= vector[i] == 0f;
        }
        if (zero) {
            throw invalid(field, "is the zero vector; cosine similarity is undefined for it");
        }
        return vector;
    }

    /** The optional {@code model} argument (null = the registry's default). */
    static String model(JsonNode arguments) {
        JsonNode node = optional(arguments, "model");
        return node == null ? null : text(node, "model");
    }

    static int integer(JsonNode node, String field, int min, int max) {
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw invalid(field, "must be an integer in " + min + ".." + max + ", got " + node);
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw invalid(field, "must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }
}
