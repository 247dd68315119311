package dev.baton.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** The API's JSON mapper and the one way handlers write a JSON answer. */
final class Json {
    /** Shared, configured once; thread-safe. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** Writes {@code body} as {@code application/json} with the given status. */
    static void respond(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status);
            ctx.contentType("application/json");
            ctx.result(MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
