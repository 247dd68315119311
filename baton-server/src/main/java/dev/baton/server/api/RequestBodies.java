package dev.baton.server.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly: checks the media type (415), requires a body where one is needed, and turns
 * every JSON problem (syntax, unknown field, wrong type, invalid value) into a {@link BatonException}
 * {@code INVALID_INPUT} that names the field and, for syntax errors, the line and column. Oversized bodies are
 * refused by Javalin's {@code maxRequestSize} (413) before they are read.
 *
 * <p>Thread-safe (the mapper is shared and immutable after configuration).
 */
final class RequestBodies {
    /** The most of a refused body read and dropped before answering ({@link #discardRest}): 32 MiB. */
    static final long MAX_DISCARD = 32L << 20;
    private final ObjectMapper json;

    RequestBodies(ObjectMapper json) {
        this.json = json.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /** Whether the request's media type is JSON (missing counts as JSON: {@code curl -d} without a header). */
    static boolean isJson(String contentType) {
        String type = mediaType(contentType);
        return type.isEmpty() || type.equals("application/json") || type.endsWith("+json")
               || type.equals("application/x-www-form-urlencoded");
    }

    /** Whether the request's media type is YAML. */
    static boolean isYaml(String contentType) {
        String type = mediaType(contentType);
        return type.equals("application/yaml") || type.equals("application/x-yaml") || type.equals("text/yaml")
               || type.equals("text/x-yaml");
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** Fails with 415 unless the body is JSON. */
    static void requireJson(Context ctx) {
        if (!isJson(ctx.contentType())) {
            throw unsupported(ctx.contentType(), "application/json");
        }
    }

    /** A 415 answer naming the media types the route accepts. */
    static HttpResponseException unsupported(String given, String accepted) {
        return new HttpResponseException(415, "unsupported Content-Type '" + given + "'; send " + accepted);
    }

    /**
     * Reads the JSON body as {@code type}; an empty body is read as {@code {}} when {@code emptyAllowed}.
     *
     * @throws BatonException INVALID_INPUT naming the field; a 415 {@link HttpResponseException} for non-JSON bodies
     */
    <T> T read(Context ctx, Class<T> type, boolean emptyAllowed) {
        requireJson(ctx);
        String body = ctx.body();
        if (body.isBlank()) {
            if (!emptyAllowed) {
                throw BatonException.invalidInput("body", "a JSON request body is required");
            }
            body = "{}";
        }
        return parse(body, type);
    }

    /** Parses JSON text as {@code type} with the strict rules above. */
    <T> T parse(String body, Class<T> type) {
        tree(body); // syntax first, so a syntax error is reported as such (with line and column), not as a field
        try {
            return json.readValue(body, type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof BatonException cause) {
                throw cause;
            }
            String message = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
            throw field(path(e), message, null);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : "; known fields: " + e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw field(path(e), "unknown field '" + e.getPropertyName() + "'" + known, e.getLocation());
        } catch (InvalidFormatException e) {
            throw field(path(e), "invalid value " + quote(e.getValue()) + ", expected "
                    + describe(e.getTargetType()), e.getLocation());
        } catch (MismatchedInputException e) {
            throw field(path(e), "expected " + describe(e.getTargetType()), e.getLocation());
        } catch (JsonParseException e) {
            throw malformed(e);
        } catch (JsonMappingException e) {
            throw field(path(e), e.getOriginalMessage(), e.getLocation());
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /** Parses any JSON value; syntax errors name the line and column. */
    JsonNode tree(String body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /**
     * Reads and drops what is left of a refused request's body, at most {@value #MAX_DISCARD} bytes, before the
     * error is answered. A client still sending a large body would otherwise often see the connection reset
     * instead of the 413: closing a socket with unread input makes the kernel send RST, which also discards the
     * answer the client has not read yet (the reason for the lingering close of RFC 9112, section 9.6). Failures
     * are ignored: a client that went away needs no answer.
     */
    static void discardRest(Context ctx) {
        byte[] buffer = new byte[64 * 1024];
        long left = MAX_DISCARD;
        try {
            java.io.InputStream in = ctx.req().getInputStream();
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= read;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the client is gone, or the body was already consumed: nothing to drain
        }
    }

    private static BatonException malformed(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String reason = readable(e.getOriginalMessage());
        String message = "malformed JSON" + where + ": " + reason;
        return new BatonException(ErrorCode.INVALID_INPUT, message,
                List.of(new FieldError("body", "malformed JSON: " + reason, location(loc))));
    }

    /** Jackson's message without its internals (source descriptions, configuration class names). */
    static String readable(String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        return message
                .replaceAll("\\s*\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)\\]\\)",
                        " (opened at line $1, column $2)")
                .replaceAll(", from `[A-Za-z.]+\\(\\)`\\)", ")")
                .replaceAll("\\s*\\(`[A-Za-z.]+` disabled\\)", "");
    }

    private static BatonException field(String field, String message, JsonLocation loc) {
        String name = field.isEmpty() ? "body" : field;
        return new BatonException(ErrorCode.INVALID_INPUT, name + ": " + message,
                List.of(new FieldError(name, message, location(loc))));
    }

    private static SourceLocation location(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return SourceLocation.UNKNOWN;
        }
        return new SourceLocation("body", loc.getLineNr(), Math.max(0, loc.getColumnNr()));
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == JsonNode.class) {
            return "a JSON value";
        }
        return "an object";
    }

    private static String quote(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }
}
