package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles JSON Schemas (draft 2020-12, networknt json-schema-validator) the way Baton uses them everywhere
 * (workflow input schemas, structured LLM answers): only local references ({@code $ref: "#/$defs/..."}) resolve,
 * nothing is fetched over the network, and compiled schemas are cached by their text (at most
 * {@value #CACHE_LIMIT}; the cache is then cleared). Thread-safe.
 */
public final class SchemaCompiler {
    /** The draft 2020-12 meta-schema's URI, the only {@code $schema} Baton accepts. */
    public static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final int CACHE_LIMIT = 512;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)
                    .block(iri -> !iri.toString().startsWith("https://json-schema.org/"))));
    private final Map<String, Schema> cache = new ConcurrentHashMap<>();
    private volatile Schema metaSchema;

    /** The draft 2020-12 meta-schema, to check a schema itself (loaded on first use). */
    public Schema metaSchema() {
        Schema meta = metaSchema;
        if (meta == null) {
            meta = registry.getSchema(SchemaLocation.of(META_SCHEMA));
            metaSchema = meta;
        }
        return meta;
    }

    /**
     * The compiled form of {@code schema}.
     *
     * @throws com.networknt.schema.SchemaException when the schema cannot be compiled
     */
    public Schema compile(JsonNode schema) {
        String text = schema.toString();
        Schema compiled = cache.get(text);
        if (compiled == null) {
            compiled = registry.getSchema(text, InputFormat.JSON);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(text, compiled);
        }
        return compiled;
    }
}
