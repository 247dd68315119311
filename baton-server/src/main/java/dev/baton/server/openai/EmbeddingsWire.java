package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's {@code POST /v1/embeddings} on the wire: reads {@code {model, input, encoding_format, dimensions,
 * user}} ({@code input} a string or an array of strings; token arrays are refused) and writes the
 * {@code list} of {@code embedding} objects. With {@code encoding_format: base64} (what the official Python and
 * Node SDKs send by default) each vector is the base64 of its float32 values in little-endian byte order, as
 * OpenAI encodes them. Stateless; thread-safe.
 */
final class EmbeddingsWire {
    /** The request and the encoding the client wants back. */
    record Parsed(EmbeddingRequest request, boolean base64) {
    }

    private static final Set<String> BODY = Set.of("model", "input", "encoding_format", "dimensions", "user");
    /** OpenAI's own limit on inputs per request. */
    static final int MAX_INPUTS = 2048;

    private final ObjectMapper json;

    EmbeddingsWire(ObjectMapper json) {
        this.json = json;
    }

    static Parsed read(JsonNode body) {
        Param root = Param.root(body).object(BODY);
        if (root.absent()) {
            throw Param.invalid("body", "a JSON object is required");
        }
        String model = root.get("model").requiredText();
        Param input = root.get("input");
        List<String> texts = new ArrayList<>();
        if (input.absent()) {
            throw Param.invalid("input", "is required");
        } else if (input.node().isTextual()) {
            texts.add(input.node().asText());
        } else if (input.node().isArray()) {
            for (Param item : input.elements()) {
                if (item.node() != null && (item.node().isNumber() || item.node().isArray())) {
                    throw Param.invalid(item.path(), "token arrays are not supported; send the text");
                }
                texts.add(item.requiredText());
            }
        } else {
            throw Param.invalid("input", "must be a string or an array of strings");
        }
        if (texts.isEmpty()) {
            throw Param.invalid("input", "must not be empty");
        }
        if (texts.size() > MAX_INPUTS) {
            throw Param.invalid("input", "at most " + MAX_INPUTS + " inputs per request, got " + texts.size());
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isEmpty()) {
                throw Param.invalid(input.node().isTextual() ? "input" : "input[" + i + "]", "must not be empty");
            }
        }
        String encoding = root.get("encoding_format").text();
        if (encoding != null && !encoding.equals("float") && !encoding.equals("base64")) {
            throw Param.invalid("encoding_format", "must be float or base64, got '" + encoding + "'");
        }
        Long dimensions = root.get("dimensions").integer(1, 65_536);
        return new Parsed(new EmbeddingRequest(model, texts, dimensions == null ? null : dimensions.intValue(),
                root.get("user").text()), "base64".equals(encoding));
    }

    ObjectNode response(EmbeddingResponse response, String model, boolean base64) {
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < response.vectors().size(); i++) {
            float[] vector = response.vectors().get(i);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                item.put("embedding", base64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
        }
        body.put("model", model);
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", response.usage().inputTokens());
        usage.put("total_tokens", response.usage().totalTokens());
        return body;
    }

    /** Little-endian float32 values, base64-encoded (OpenAI's {@code encoding_format: base64}). */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
