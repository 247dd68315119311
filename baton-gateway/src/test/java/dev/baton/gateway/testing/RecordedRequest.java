package dev.baton.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request a fake upstream received, for assertions.
 *
 * @param method  the HTTP method
 * @param path    the request target's path (query excluded), e.g. {@code /v1/chat/completions}
 * @param headers the headers, names lower-cased; repeated headers joined with {@code ", "}
 * @param body    the body as UTF-8 text ({@code ""} for none)
 * @param json    the body parsed as JSON, or {@code null} when empty or not JSON
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, String body, JsonNode json) {

    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** A header's value by case-insensitive name, or {@code null}. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether the request asked for a streamed answer ({@code "stream": true}). */
    public boolean streaming() {
        return json != null && json.path("stream").asBoolean(false);
    }
}
