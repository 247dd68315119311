package dev.baton.gateway.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpHeaders;

/**
 * A successful (2xx) non-streamed upstream answer, read completely.
 *
 * @param status  the HTTP status
 * @param headers the response headers
 * @param body    the whole body
 * @param target  what was called, for messages
 */
public record UpstreamResponse(int status, HttpHeaders headers, byte[] body, String target) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The body as a JSON object.
     *
     * @throws dev.baton.core.error.BatonException {@code UPSTREAM_INVALID_RESPONSE} (retriable) when it is not
     */
    public JsonNode json() {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw UpstreamFailures.invalidResponse(target, "expected a JSON object, got "
                        + describe(), null);
            }
            return node;
        } catch (IOException e) {
            throw UpstreamFailures.invalidResponse(target, "body is not JSON (" + describe() + ")", e);
        }
    }

    private String describe() {
        String type = headers.firstValue("content-type").orElse("no content type");
        return type + ": " + UpstreamFailures.preview(body);
    }
}
