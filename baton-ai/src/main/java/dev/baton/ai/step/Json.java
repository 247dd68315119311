package dev.baton.ai.step;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Builds the JSON outputs of the AI steps. */
final class Json {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    static ArrayNode vector(float[] vector) {
        ArrayNode array = NODES.arrayNode(vector.length);
        for (float x : vector) {
            array.add(x);
        }
        return array;
    }
}
