package dev.baton.server.api;

import io.javalin.http.Context;
import org.slf4j.MDC;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is a short token, else a random UUID.
 * The id is echoed in the {@code X-Request-Id} response header, put into problem bodies and into the logging
 * MDC ({@code requestId}) so a 500 in the log can be found from the client's answer. The OpenAI-compatible API
 * returns the same header, which OpenAI's SDKs read as the request id.
 */
public final class RequestIds {
    static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "baton.requestId";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    /** Assigns the request id; the first handler of every request. */
    static void assign(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && ACCEPTED.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        MDC.put("requestId", id);
    }

    /** The id assigned to this request, or {@code null} before {@link #assign}. */
    public static String of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    static void clear() {
        MDC.remove("requestId");
    }
}
