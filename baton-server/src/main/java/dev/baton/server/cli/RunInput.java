package dev.baton.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * The inputs of one run of a batch, with where they came from.
 *
 * @param index  0-based position in the batch; results are written in this order
 * @param source what identifies the input to a user: {@code inputs.tsv:12} (file and line) or a file path
 * @param inputs the run inputs (an object)
 */
public record RunInput(int index, String source, ObjectNode inputs) {
    public RunInput {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(inputs, "inputs");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
    }
}
