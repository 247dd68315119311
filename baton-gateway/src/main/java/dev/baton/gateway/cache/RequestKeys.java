package dev.baton.gateway.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.ToolDefinition;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Cache keys: the SHA-256 digest (64 lower-case hex characters) of a canonical serialisation of a request.
 *
 * <p>The canonical form is a compact JSON array whose elements are written in a fixed order by this class (never
 * by reflection, so adding a record component cannot silently change keys), every element present, {@code null}
 * included, so that no two different requests serialise alike. It starts with a version tag
 * ({@code baton.chat.v2}, {@code baton.embedding.v2}); change the tag whenever the form changes.
 *
 * <p>A chat key holds everything that can change the answer: the model alias; every message (role, content,
 * name, tool calls with id/name/arguments, tool call id); the tools (name, description, parameter schema,
 * strict); the tool choice; the response format (a missing one is the same as {@code text}); temperature, top_p,
 * max_tokens, the stop sequences in order, and the seed. JSON Schemas (tool parameters, structured output) are
 * written with their properties in the order given: a model producing structured output follows that order,
 * so two schemas that differ only in property order may produce different answers.
 *
 * <p>Not in the key: {@code user}, the end user's id the provider receives for abuse monitoring; it does not
 * change the answer, and leaving it out lets the same request from different end users share an entry.
 *
 * <p>Every key starts (after the version tag) with the <em>tenant</em> the call is made for
 * ({@link dev.baton.gateway.CallContext#usageTenant()}): tenants never share an entry. Otherwise a hit would tell
 * one tenant that another sent the identical prompt recently (a prompt oracle), and would hand it the other's
 * paid answer outside its own budget. The callers of one tenant (its keys, its runs' steps) do share entries.
 *
 * <p>An embedding key is per input text: tenant, alias, requested dimensions and the text.
 *
 * <p>Thread-safe (stateless).
 */
public final class RequestKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private RequestKeys() {
    }

    /**
     * The key of a non-streamed chat completion request made for {@code tenant}.
     *
     * @param tenant the tenant the call is made for, never null ({@code CallContext.usageTenant()})
     */
    public static String chat(String tenant, ChatRequest request) {
        Objects.requireNonNull(tenant, "tenant");
        return digest(json -> {
            json.writeStartArray();
            json.writeString("baton.chat.v2");
            json.writeString(tenant);
            json.writeString(request.model());
            json.writeStartArray();
            for (ChatMessage message : request.messages()) {
                writeMessage(json, message);
            }
            json.writeEndArray();
            json.writeStartArray();
            for (ToolDefinition tool : request.tools()) {
                json.writeStartArray();
                json.writeString(tool.name());
                json.writeString(tool.description());
                writeTree(json, tool.parameters());
                json.writeBoolean(tool.strict());
                json.writeEndArray();
            }
            json.writeEndArray();
            writeToolChoice(json, request.toolChoice());
            writeResponseFormat(json, request.responseFormat());
            writeNumber(json, request.temperature());
            writeNumber(json, request.topP());
            if (request.maxTokens() == null) {
                json.writeNull();
            } else {
                json.writeNumber(request.maxTokens());
            }
            writeStrings(json, request.stop());
            if (request.seed() == null) {
                json.writeNull();
            } else {
                json.writeNumber(request.seed());
            }
            json.writeEndArray();
        });
    }

    /**
     * The key of the embedding of one {@code text} by {@code alias}, at {@code dimensions} (may be null), for
     * {@code tenant} (never null).
     */
    public static String embedding(String tenant, String alias, Integer dimensions, String text) {
        Objects.requireNonNull(tenant, "tenant");
        return digest(json -> {
            json.writeStartArray();
            json.writeString("baton.embedding.v2");
            json.writeString(tenant);
            json.writeString(alias);
            if (dimensions == null) {
                json.writeNull();
            } else {
                json.writeNumber(dimensions);
            }
            json.writeString(text);
            json.writeEndArray();
        });
    }

    private static void writeMessage(JsonGenerator json, ChatMessage message) throws IOException {
        json.writeStartArray();
        json.writeString(message.role().name());
        json.writeString(message.content());
        json.writeString(message.name());
        json.writeString(message.toolCallId());
        json.writeStartArray();
        for (ToolCall call : message.toolCalls()) {
            json.writeStartArray();
            json.writeString(call.id());
            json.writeString(call.name());
            json.writeString(call.arguments());
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndArray();
    }

    private static void writeToolChoice(JsonGenerator json, ToolChoice choice) throws IOException {
        if (choice == null) {
            json.writeNull();
            return;
        }
        json.writeStartArray();
        switch (choice) {
            case ToolChoice.Auto auto -> json.writeString("auto");
            case ToolChoice.None none -> json.writeString("none");
            case ToolChoice.Required required -> json.writeString("required");
            case ToolChoice.Function function -> {
                json.writeString("function");
                json.writeString(function.name());
            }
        }
        json.writeEndArray();
    }

    private static void writeResponseFormat(JsonGenerator json, ResponseFormat format) throws IOException {
        json.writeStartArray();
        switch (format) {
            case null -> json.writeString("text");
            case ResponseFormat.Text text -> json.writeString("text");
            case ResponseFormat.JsonObject object -> json.writeString("json_object");
            case ResponseFormat.JsonSchema schema -> {
                json.writeString("json_schema");
                json.writeString(schema.name());
                writeTree(json, schema.schema());
                json.writeBoolean(schema.strict());
            }
        }
        json.writeEndArray();
    }

    private static void writeTree(JsonGenerator json, JsonNode node) throws IOException {
        if (node == null) {
            json.writeNull();
        } else {
            json.writeTree(node);
        }
    }

    private static void writeNumber(JsonGenerator json, Double value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else {
            json.writeNumber(value);
        }
    }

    private static void writeStrings(JsonGenerator json, List<String> values) throws IOException {
        json.writeStartArray();
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    /** Something that writes one canonical JSON value. */
    @FunctionalInterface
    private interface Canonical {
        void writeTo(JsonGenerator json) throws IOException;
    }

    private static String digest(Canonical canonical) {
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            canonical.writeTo(json);
        } catch (IOException e) {
            throw new BatonException(ErrorCode.INTERNAL, "cannot serialise a request for its cache key", e);
        }
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new BatonException(ErrorCode.INTERNAL, "SHA-256 is not available in this JVM", e);
        }
    }
}
