package dev.baton.steps.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.workflow.DurationFormat;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An {@code http} step's arguments, validated.
 *
 * @param uri          absolute http(s) URI including the encoded {@code query} parameters
 * @param method       request method
 * @param headers      request headers in the order given (names as written)
 * @param body         the body, or null for none; objects/arrays are sent as JSON, anything else as text
 * @param expectStatus accepted statuses; empty = any 2xx
 * @param timeout      the step's own request timeout, or null for the default
 */
record HttpCall(URI uri, HttpMethod method, Map<String, String> headers, JsonNode body, Set<Integer> expectStatus,
                Duration timeout) {

    /** RFC 9110 §5.6.2 token: the characters of a header name. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /**
     * Headers the transport owns: the JDK client's restricted set (connection, content-length, expect, host,
     * upgrade) and the other hop-by-hop ones. {@code Host} in particular would let a workflow talk to one
     * virtual host while the egress policy checked another name.
     */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding", "te", "keep-alive", "proxy-connection", "trailer");

    HttpCall {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(method, "method");
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        expectStatus = Set.copyOf(expectStatus);
    }

    /** Whether a header was given, case-insensitively. */
    boolean hasHeader(String name) {
        return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
    }

    static HttpCall parse(JsonNode arguments) {
        if (arguments == null || !arguments.isObject()) {
            throw invalid("with", "must be an object");
        }
        for (Iterator<String> it = arguments.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!HttpStep.SIGNATURE.accepts(name)) {
                throw invalid(name, "unknown argument; the http step accepts " + new java.util.TreeSet<>(
                        HttpStep.SIGNATURE.optional()) + " and url");
            }
        }
        HttpMethod method = method(arguments.get("method"));
        URI uri = uri(arguments.get("url"), arguments.get("query"));
        Map<String, String> headers = headers(arguments.get("headers"));
        JsonNode body = arguments.get("body");
        return new HttpCall(uri, method, headers, body == null || body.isNull() ? null : body,
                expectStatus(arguments.get("expectStatus")), timeout(arguments.get("timeout")));
    }

    private static HttpMethod method(JsonNode node) {
        if (node == null || node.isNull()) {
            return HttpMethod.GET;
        }
        try {
            return HttpMethod.valueOf(node.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("method", "must be one of " + List.of(HttpMethod.values()) + ", got " + node);
        }
    }

    private static URI uri(JsonNode url, JsonNode query) {
        if (url == null || !url.isTextual() || url.textValue().isBlank()) {
            throw invalid("url", "is required and must be a string");
        }
        URI uri;
        try {
            uri = new URI(url.textValue().trim());
        } catch (URISyntaxException e) {
            throw invalid("url", "is not a valid URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw invalid("url", "must be an absolute http:// or https:// URL, got '" + url.textValue() + "'");
        }
        if (query == null || query.isNull()) {
            return uri;
        }
        if (!query.isObject()) {
            throw invalid("query", "must be an object of parameter names to values");
        }
        StringBuilder extra = new StringBuilder();
        for (Map.Entry<String, JsonNode> param : query.properties()) {
            List<JsonNode> values = new ArrayList<>();
            if (param.getValue().isArray()) {
                param.getValue().forEach(values::add);
            } else {
                values.add(param.getValue());
            }
            for (JsonNode value : values) {
                if (value.isContainerNode()) {
                    throw invalid("query." + param.getKey(), "must be a string, number, boolean or a list of them");
                }
                if (value.isNull()) {
                    continue;
                }
                extra.append(extra.isEmpty() ? "" : "&").append(encode(param.getKey())).append('=')
                        .append(encode(value.asText()));
            }
        }
        if (extra.isEmpty()) {
            return uri;
        }
        String text = uri.toString();
        int hash = text.indexOf('#');
        String fragment = hash < 0 ? "" : text.substring(hash);
        String base = hash < 0 ? text : text.substring(0, hash);
        String separator = uri.getRawQuery() == null ? "?" : (base.endsWith("&") || base.endsWith("?") ? "" : "&");
        return URI.create(base + separator + extra + fragment);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> headers(JsonNode node) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return headers;
        }
        if (!node.isObject()) {
            throw invalid("headers", "must be an object of header names to values");
        }
        for (Map.Entry<String, JsonNode> header : node.properties()) {
            JsonNode value = header.getValue();
            if (value.isContainerNode() || value.isNull()) {
                throw invalid("headers." + header.getKey(), "must be a string, number or boolean");
            }
            String name = header.getKey();
            if (!TOKEN.matcher(name).matches()) {
                throw invalid("headers." + name, "is not a valid header name");
            }
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                throw invalid("headers." + name, "is a restricted header Baton sets itself ("
                        + String.join(", ", new java.util.TreeSet<>(RESTRICTED)) + ")");
            }
            String text = value.asText();
            if (text.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw invalid("headers." + name, "must not contain line breaks or NUL characters");
            }
            headers.put(name, text);
        }
        return headers;
    }

    private static Set<Integer> expectStatus(JsonNode node) {
        if (node == null || node.isNull()) {
            return Set.of();
        }
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        if (items.isEmpty()) {
            throw invalid("expectStatus", "must list at least one status");
        }
        Set<Integer> statuses = new LinkedHashSet<>();
        for (JsonNode item : items) {
            if (!item.isIntegralNumber() || item.intValue() < 100 || item.intValue() > 599) {
                throw invalid("expectStatus", "must be a list of HTTP statuses (100..599), got " + item);
            }
            statuses.add(item.intValue());
        }
        return statuses;
    }

    private static Duration timeout(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        Duration timeout = null;
        if (node.isTextual()) {
            try {
                timeout = DurationFormat.parse(node.textValue());
            } catch (IllegalArgumentException e) {
                timeout = null;
            }
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw invalid("timeout", "must be a positive duration such as 500ms, 30s, 1m30s or PT30S, got " + node);
        }
        return timeout;
    }

    static BatonException invalid(String field, String message) {
        return new BatonException(ErrorCode.INVALID_ARGUMENT, field + ": " + message,
                List.of(new FieldError(field, message)));
    }
}
