package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code classify} label: its name, the text that describes it (its description, else its name) and optional
 * few-shot examples. A value (record equality), so a list of labels can key the centroid cache.
 */
record Label(String name, String description, List<String> examples) {
    private static final Set<String> FIELDS = Set.of("name", "description", "examples");

    Label {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        examples = List.copyOf(examples);
    }

    /** The texts whose embeddings average to this label's centroid: the description (or name), then examples. */
    List<String> texts() {
        List<String> texts = new ArrayList<>(examples.size() + 1);
        texts.add(description);
        texts.addAll(examples);
        return texts;
    }

    /**
     * Parses {@code labels}: a non-empty list of {@code "name"} or {@code {name, description?, examples?}}, names
     * unique.
     */
    static List<Label> parseAll(JsonNode node) {
        if (node == null) {
            throw Arguments.invalid("labels", "is required");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw Arguments.invalid("labels", "must be a non-empty list of label names or {name, description?, "
                    + "examples?} objects, got " + (node.isArray() ? "an empty list" : Arguments.kind(node)));
        }
        List<Label> labels = new ArrayList<>(node.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "labels[" + i + "]";
            Label label = parse(node.get(i), field);
            if (!names.add(label.name())) {
                throw Arguments.invalid(field + ".name", "duplicate label '" + label.name() + "'");
            }
            labels.add(label);
        }
        return List.copyOf(labels);
    }

    private static Label parse(JsonNode node, String field) {
        if (node.isTextual()) {
            String name = Arguments.text(node, field);
            return new Label(name, name, List.of());
        }
        if (!node.isObject()) {
            throw Arguments.invalid(field, "must be a label name or an object {name, description?, examples?}, got "
                    + Arguments.kind(node));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!FIELDS.contains(key)) {
                throw Arguments.invalid(field + "." + key, "unknown field; a label has name, description, examples");
            }
        }
        JsonNode nameNode = Arguments.optional(node, "name");
        if (nameNode == null) {
            throw Arguments.invalid(field + ".name", "is required");
        }
        String name = Arguments.text(nameNode, field + ".name");
        JsonNode description = Arguments.optional(node, "description");
        JsonNode examples = Arguments.optional(node, "examples");
        return new Label(name,
                description == null ? name : Arguments.text(description, field + ".description"),
                examples == null ? List.of() : Arguments.texts(examples, field + ".examples"));
    }
}
