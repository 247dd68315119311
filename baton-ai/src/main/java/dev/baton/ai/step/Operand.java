package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;

/** A {@code similarity} operand as written: a text to embed, or a vector given directly. */
sealed interface Operand {

    /** Where the operand was written, e.g. {@code candidates[3]}; used in error messages. */
    String field();

    record Text(String field, String text) implements Operand {
    }

    record Vector(String field, float[] values) implements Operand {
    }

    static Operand parse(JsonNode node, String field) {
        if (node == null) {
            throw Arguments.invalid(field, "is required");
        }
        if (node.isTextual()) {
            return new Text(field, Arguments.text(node, field));
        }
        return new Vector(field, Arguments.vector(node, field));
    }
}
