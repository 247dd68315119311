package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaException;
import com.networknt.schema.path.NodePath;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema (draft 2020-12, networknt json-schema-validator) for workflow inputs: checks a workflow's input
 * schema against the meta-schema, and run inputs against the schema.
 *
 * <p>Schemas are compiled by a {@link SchemaCompiler}: local references only, cached. Thread-safe.
 */
public final class InputValidator {
    private final SchemaCompiler schemas = new SchemaCompiler();

    /**
     * Problems of an input schema, with field paths relative to the schema (e.g. {@code properties.n.type});
     * empty when it is a valid object schema.
     */
    public List<FieldError> checkSchema(JsonNode schema) {
        List<FieldError> errors = new ArrayList<>();
        if (schema == null) {
            return errors;
        }
        if (!schema.isObject()) {
            errors.add(new FieldError("", "must be a JSON Schema object"));
            return errors;
        }
        JsonNode type = schema.get("type");
        if (type != null && !(type.isTextual() && type.textValue().equals("object"))) {
            errors.add(new FieldError("type", "run inputs are a JSON object, so the input schema's type must be 'object'"));
        }
        JsonNode dialect = schema.get("$schema");
        if (dialect != null && !(dialect.isTextual() && dialect.textValue().equals(SchemaCompiler.META_SCHEMA))) {
            errors.add(new FieldError("$schema", "input schemas use JSON Schema draft 2020-12; remove '$schema' or set it to '"
                    + SchemaCompiler.META_SCHEMA + "'"));
        }
        checkReferences(schema, "", errors);
        Set<String> seen = new LinkedHashSet<>();
        for (Error error : schemas.metaSchema().validate(schema.toString(), InputFormat.JSON)) {
            String field = fieldPath(error.getInstanceLocation(), null);
            if (seen.add(field)) {
                errors.add(new FieldError(field, error.getMessage()));
            }
        }
        if (errors.isEmpty()) {
            try {
                schemas.compile(schema);
            } catch (SchemaException e) {
                errors.add(new FieldError("", "is not a usable JSON Schema: " + e.getMessage()));
            }
        }
        return errors;
    }

    /**
     * Validates run inputs against the workflow's input schema and fills in top-level and nested
     * {@code default}s of missing object properties.
     *
     * @param inputs the run inputs; null means an empty object
     * @return the inputs with defaults applied (a new node when defaults were added)
     * @throws BatonException INVALID_INPUT with one {@link FieldError} per violation, the field being the
     *                        instance location ({@code name}, {@code items[2].id}; empty for the whole object)
     */
    public JsonNode validate(Workflow workflow, JsonNode inputs) {
        JsonNode value = inputs == null || inputs.isNull() || inputs.isMissingNode()
                ? JsonNodeFactory.instance.objectNode() : inputs;
        if (!value.isObject()) {
            throw BatonException.invalidInput("", "run inputs must be a JSON object");
        }
        JsonNode schemaNode = workflow.inputSchema();
        if (schemaNode == null) {
            return value;
        }
        JsonNode withDefaults = applyDefaults(schemaNode, value);
        List<FieldError> errors = new ArrayList<>();
        for (Error error : schemas.compile(schemaNode).validate(withDefaults.toString(), InputFormat.JSON)) {
            String field = fieldPath(error.getInstanceLocation(), error.getProperty());
            errors.add(new FieldError(field, error.getMessage()));
        }
        if (!errors.isEmpty()) {
            String summary = "inputs of workflow '" + workflow.id() + "' are invalid: "
                    + String.join("; ", errors.stream().map(FieldError::toString).toList());
            throw new BatonException(ErrorCode.INVALID_INPUT, summary, errors);
        }
        return withDefaults;
    }


    /** Missing properties of objects get their schema's {@code default}, recursively through object properties. */
    private static JsonNode applyDefaults(JsonNode schema, JsonNode value) {
        JsonNode properties = schema.get("properties");
        if (!value.isObject() || properties == null || !properties.isObject()) {
            return value;
        }
        ObjectNode out = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            JsonNode current = value.get(property.getKey());
            JsonNode replacement = current;
            if (current == null && property.getValue().has("default")) {
                replacement = property.getValue().get("default").deepCopy();
            } else if (current != null && property.getValue().isObject()) {
                replacement = applyDefaults(property.getValue(), current);
            }
            if (replacement != current) {
                if (out == null) {
                    out = ((ObjectNode) value).deepCopy();
                }
                out.set(property.getKey(), replacement);
            }
        }
        return out == null ? value : out;
    }

    private static void checkReferences(JsonNode node, String path, List<FieldError> errors) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String child = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
                boolean reference = member.getKey().equals("$ref") || member.getKey().equals("$dynamicRef");
                if (reference && member.getValue().isTextual() && !member.getValue().textValue().startsWith("#")) {
                    errors.add(new FieldError(child, "only references within the schema ('#/$defs/...') are allowed, got '"
                            + member.getValue().textValue() + "'"));
                } else {
                    checkReferences(member.getValue(), child, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(node.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    /** {@code /items/2/id} becomes {@code items[2].id}; a property named by the error is appended. */
    private static String fieldPath(NodePath location, String property) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; location != null && i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(element);
            }
        }
        if (property != null && !property.isEmpty()) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(property);
        }
        return out.toString();
    }
}
