package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A function the model may call.
 *
 * @param name        function name ({@code [a-zA-Z0-9_-]{1,64}} for OpenAI)
 * @param description what it does, or {@code null}
 * @param parameters  a JSON Schema object describing the arguments, or {@code null} for none
 * @param strict      whether the provider should enforce the schema exactly (OpenAI {@code strict})
 */
public record ToolDefinition(String name, String description, JsonNode parameters, boolean strict) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("tool name must not be blank");
        }
    }
}
