package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A small client of Baton's REST API ({@code <server>/api/v1/...}) for the CLI's client commands. Answers are
 * JSON; errors come back as RFC 9457 problem+json and are turned into {@link BatonException} with the server's
 * stable {@code code}. Thread-safe.
 */
final class ApiClient {
    static final String BASE_PATH = "/api/v1";

    private final URI server;
    private final ObjectMapper json;
    private final HttpClient http;
    private final Duration timeout;
    private final String apiKey;

    /**
     * @param server the server's root URL, e.g. {@code http://127.0.0.1:8080}
     * @throws BatonException INVALID_INPUT when the URL is not an absolute http(s) URL
     */
    ApiClient(String server, ObjectMapper json, Duration timeout) {
        this(server, null, json, timeout);
    }

    /**
     * @param apiKey sent as {@code Authorization: Bearer}, or {@code null} for none
     * @throws BatonException INVALID_INPUT when the URL is not an absolute http(s) URL
     */
    ApiClient(String server, String apiKey, ObjectMapper json, Duration timeout) {
        this.apiKey = apiKey;
        this.server = parseServer(server);
        this.json = json;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    static URI parseServer(String server) {
        URI uri;
        try {
            uri = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
        } catch (IllegalArgumentException e) {
            throw BatonException.invalidInput("--server", "not a URL: '" + server + "'");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw BatonException.invalidInput("--server", "expected http://host:port, got '" + server + "'");
        }
        return uri;
    }

    JsonNode get(String path, Map<String, String> query) {
        return send(HttpRequest.newBuilder(uri(path, query)).GET());
    }

    JsonNode post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path, Map.of()))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    JsonNode delete(String path, Map<String, String> query) {
        return send(HttpRequest.newBuilder(uri(path, query)).DELETE());
    }

    URI uri(String path, Map<String, String> query) {
        StringJoiner params = new StringJoiner("&");
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                params.add(encode(k) + "=" + encode(v));
            }
        });
        String suffix = params.length() == 0 ? "" : "?" + params;
        return URI.create(server + BASE_PATH + path + suffix);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(HttpRequest.Builder request) {
        request.timeout(timeout).header("Accept", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "cannot reach the Baton server at " + server
                    + " (is `baton server` running?)", e);
        } catch (HttpTimeoutException e) {
            throw new BatonException(ErrorCode.TIMEOUT, built.method() + " " + built.uri() + " timed out after "
                    + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, built.method() + " " + built.uri() + " failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException(ErrorCode.CANCELLED, "interrupted while calling " + built.uri(), e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return body;
        }
        throw problem(response.statusCode(), body, built);
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return json.nullNode();
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    /** The problem+json answer as a BatonException with the server's code, or one chosen from the status. */
    static BatonException problem(int status, JsonNode body, HttpRequest request) {
        String code = body.path("code").asText("");
        ErrorCode errorCode = code.isEmpty() ? fromStatus(status) : ErrorCode.fromCode(code);
        String detail = body.path("detail").asText(body.path("title").asText(""));
        if (detail.isEmpty()) {
            detail = body.isTextual() ? body.asText() : "HTTP " + status;
        }
        return new BatonException(errorCode, request.method() + " " + request.uri().getPath() + ": " + detail
                + " (HTTP " + status + ")");
    }

    private static ErrorCode fromStatus(int status) {
        return switch (status) {
            case 400, 422 -> ErrorCode.INVALID_INPUT;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.CONFLICT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.NOT_READY;
            default -> ErrorCode.INTERNAL;
        };
    }
}
