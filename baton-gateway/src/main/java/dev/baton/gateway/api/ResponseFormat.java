package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/** The shape the model's answer must take. */
public sealed interface ResponseFormat {
    /** Free text (the default). */
    record Text() implements ResponseFormat {}

    /** Any JSON object (OpenAI {@code json_object}). */
    record JsonObject() implements ResponseFormat {}

    /**
     * A JSON value valid against {@code schema} (OpenAI {@code json_schema}). Providers without native support
     * are given the schema as an instruction; callers that need a guarantee validate the answer themselves.
     *
     * @param name   the schema's name ({@code [a-zA-Z0-9_-]{1,64}})
     * @param schema a JSON Schema
     * @param strict whether the provider should enforce the schema exactly
     */
    record JsonSchema(String name, JsonNode schema, boolean strict) implements ResponseFormat {
        public JsonSchema {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(schema, "schema");
        }
    }
}
