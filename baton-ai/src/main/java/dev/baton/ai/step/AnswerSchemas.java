package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaException;
import com.networknt.schema.path.NodePath;
import dev.baton.core.workflow.SchemaCompiler;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * JSON Schemas (draft 2020-12, networknt json-schema-validator) of structured LLM answers: checks a step's
 * {@code schema} argument against the meta-schema and validates answers against it.
 *
 * <p>Compiled by baton-core's {@link SchemaCompiler} (local references only, cached), as workflow input schemas
 * are. Thread-safe.
 */
final class AnswerSchemas {
    private final SchemaCompiler schemas = new SchemaCompiler();

    /**
     * The problems of {@code schema} as a JSON Schema, each as {@code "<path>: <message>"}; empty when usable.
     */
    List<String> problems(JsonNode schema) {
        if (!schema.isObject()) {
            return List.of("must be a JSON Schema object, got " + Arguments.kind(schema));
        }
        Set<String> problems = new LinkedHashSet<>();
        for (Error error : schemas.metaSchema().validate(schema.toString(), InputFormat.JSON)) {
            problems.add(describe(error));
        }
        if (problems.isEmpty()) {
            try {
                schemas.compile(schema);
            } catch (SchemaException e) {
                problems.add("is not a usable JSON Schema: " + e.getMessage());
            }
        }
        return List.copyOf(problems);
    }

    /** The violations of {@code value} against {@code schema} (a schema {@link #problems} accepted). */
    List<String> violations(JsonNode schema, JsonNode value) {
        List<String> violations = new ArrayList<>();
        for (Error error : schemas.compile(schema).validate(value.toString(), InputFormat.JSON)) {
            violations.add(describe(error));
        }
        return violations;
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
