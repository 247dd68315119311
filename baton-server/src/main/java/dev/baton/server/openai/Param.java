package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One parameter of an OpenAI-style request body with its path as OpenAI writes it in an error's {@code param}
 * ({@code messages[2].content[0].type}). Accessors check the JSON type and fail with {@link BatonException}
 * {@code INVALID_INPUT} whose field is that path, so the client sees exactly which parameter is wrong.
 * "Absent" means missing or JSON {@code null} (the SDKs send {@code null} for unset optional fields in some
 * configurations). Immutable.
 */
record Param(String path, JsonNode node) {

    static Param root(JsonNode body) {
        return new Param("", body);
    }

    boolean absent() {
        return node == null || node.isMissingNode() || node.isNull();
    }

    Param get(String name) {
        return new Param(path.isEmpty() ? name : path + "." + name, absent() ? null : node.get(name));
    }

    /** Requires an object whose members are all in {@code known}; returns this. */
    Param object(Set<String> known) {
        if (absent()) {
            return this;
        }
        if (!node.isObject()) {
            throw invalid(path, "must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw invalid(path.isEmpty() ? name : path + "." + name,
                        "unrecognized request argument supplied: " + name);
            }
        }
        return this;
    }

    List<Param> elements() {
        if (absent()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(path, "must be an array");
        }
        List<Param> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new Param(path + "[" + i + "]", node.get(i)));
        }
        return out;
    }

    String text() {
        if (absent()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(path, "must be a string");
        }
        return node.asText();
    }

    String requiredText() {
        String value = text();
        if (value == null) {
            throw invalid(path, "is required");
        }
        return value;
    }

    Double number(double min, double max) {
        if (absent()) {
            return null;
        }
        if (!node.isNumber()) {
            throw invalid(path, "must be a number");
        }
        double value = node.asDouble();
        if (!(value >= min && value <= max)) {
            throw invalid(path, "must be between " + format(min) + " and " + format(max) + ", got " + node.asText());
        }
        return value;
    }

    Long integer(long min, long max) {
        if (absent()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw invalid(path, "must be an integer");
        }
        long value = node.asLong();
        if (value < min || value > max) {
            throw invalid(path, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    Boolean bool() {
        if (absent()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw invalid(path, "must be a boolean");
        }
        return node.asBoolean();
    }

    /** Fails with "not supported" unless absent or equal to one of {@code allowed} (e.g. {@code n: 1}). */
    void onlyDefault(String reason, JsonNode... allowed) {
        if (absent()) {
            return;
        }
        for (JsonNode value : allowed) {
            if (value.equals(node) || (value.isNumber() && node.isNumber() && value.asDouble() == node.asDouble())) {
                return;
            }
        }
        throw invalid(path, reason);
    }

    static BatonException invalid(String path, String message) {
        String param = path.isEmpty() ? "body" : path;
        return new BatonException(ErrorCode.INVALID_INPUT, param + ": " + message,
                List.of(new FieldError(param, message)));
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
