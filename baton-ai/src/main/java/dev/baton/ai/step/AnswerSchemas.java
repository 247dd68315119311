package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schemas (draft 2020-12, networknt json-schema-validator) of structured LLM answers: checks a step's
 * {@code schema} argument against the meta-schema and validates answers against it.
 *
 * <p>Only local references ({@code $ref: "#/$defs/..."}) resolve; nothing is fetched over the network. Compiled
 * schemas are cached by their text (at most {@value #CACHE_LIMIT}, then the cache is cleared). Thread-safe.
 */
final class AnswerSchemas {
    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final int CACHE_LIMIT = 256;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)
                    .block(iri -> !iri.toString().startsWith("https://json-schema.org/"))));
    private final Map<String, Schema> cache = new ConcurrentHashMap<>();
    private volatile Schema metaSchema;

    /**
     * The problems of {@code schema} as a JSON Schema, each as {@code "<path>: <message>"}; empty when usable.
     */
    List<String> problems(JsonNode schema) {
        if (!schema.isObject()) {
            return List.of("must be a JSON Schema object, got " + Arguments.kind(schema));
        }
        Set<String> problems = new LinkedHashSet<>();
        for (Error error : meta().validate(schema.toString(), InputFormat.JSON)) {
            problems.add(describe(error));
        }
        if (problems.isEmpty()) {
            try {
                compiled(schema);
            } catch (SchemaException e) {
                problems.add("is not a usable JSON Schema: " + e.getMessage());
            }
        }
        return List.copyOf(problems);
    }

    /** The violations of {@code value} against {@code schema} (a schema {@link #problems} accepted). */
    List<String> violations(JsonNode schema, JsonNode value) {
        List<String> violations = new ArrayList<>();
        for (Error error : compiled(schema).validate(value.toString(), InputFormat.JSON)) {
            violations.add(describe(error));
        }
        return violations;
    }

    private Schema meta() {
        Schema meta = metaSchema;
        if (meta == null) {
            meta = registry.getSchema(SchemaLocation.of(META_SCHEMA));
            metaSchema = meta;
        }
        return meta;
    }

    private Schema compiled(JsonNode schemaNode) {
        String text = schemaNode.toString();
        Schema schema = cache.get(text);
        if (schema == null) {
            schema = registry.getSchema(text, InputFormat.JSON);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(text, schema);
        }
        return schema;
    }

    /** {@code "<instance path>: <message>"}, the path in the style {@code actionItems[0].owner} ({@code $} for the root). */
    private static String describe(Error error) {
        NodePath location = error.getInstanceLocation();
        StringBuilder path = new StringBuilder();
        for (int i = 0; location != null && i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(element);
            }
        }
        return (path.isEmpty() ? "$" : path) + ": " + error.getMessage();
    }
}
