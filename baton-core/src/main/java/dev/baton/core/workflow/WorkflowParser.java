package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.expr.ExpressionScope;
import dev.baton.core.expr.TemplateCompiler;
import dev.baton.core.expr.ValueTemplate;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parses a workflow definition from YAML or JSON text (the same model either way) into a {@link Workflow} with
 * version 0. Strict: unknown fields are errors (with a "did you mean" suggestion), types are checked, durations
 * and retry values are parsed, and every {@code {{ expression }}} is compiled. All errors of the document are
 * reported together, each with its field path and line/column.
 *
 * <p>The parser checks the document's shape; {@link WorkflowValidator} checks its meaning (step types and
 * arguments, {@code needs}, cycles, ids, the input schema). Use both, or
 * {@link WorkflowCatalog#validate(String, String)} which does.
 *
 * <p>Limits against hostile input: 1 MiB of text, 64 levels of nesting, no YAML aliases, no duplicate keys.
 * Thread-safe.
 */
public final class WorkflowParser {
    static final Set<String> WORKFLOW_FIELDS =
            Set.of("id", "version", "description", "inputs", "steps", "outputs", "timeout", "defaults");
    static final Set<String> DEFAULTS_FIELDS = Set.of("retry", "timeout");

    private final TemplateCompiler templates;
    private final SourceReader reader = new SourceReader();

    /** A parser using {@link TemplateCompiler#DEFAULT}. */
    public WorkflowParser() {
        this(TemplateCompiler.DEFAULT);
    }

    public WorkflowParser(TemplateCompiler templates) {
        this.templates = Objects.requireNonNull(templates, "templates");
    }

    /**
     * Parses a definition.
     *
     * @param text       YAML or JSON (JSON when it starts with {@code {})
     * @param sourceName the file name or label used in error messages, e.g. {@code classify.yaml}
     * @return the workflow, version 0, not yet validated by {@link WorkflowValidator}
     * @throws BatonException INVALID_WORKFLOW with one {@link dev.baton.core.error.FieldError} per problem
     */
    public Workflow parse(String text, String sourceName) {
        return read(text, sourceName).workflow();
    }

    /**
     * Parses a definition and keeps the source positions of its fields for {@link WorkflowValidator}.
     *
     * @throws BatonException INVALID_WORKFLOW with one {@link dev.baton.core.error.FieldError} per problem
     */
    public ParsedWorkflow read(String text, String sourceName) {
        Draft draft = draft(text, sourceName);
        draft.context().throwIfErrors(draft.label());
        return new ParsedWorkflow(draft.workflow(), draft.context().sourceMap());
    }

    /**
     * A parse that goes as far as it can: the workflow holds every step that parsed, the context every error.
     *
     * @param workflow      the workflow with the steps and fields that parsed (id may be empty)
     * @param context       the errors so far and the source map
     * @param declaredSteps every step id of the document, also of steps that did not parse
     * @param label         the source name, or "the workflow"
     */
    record Draft(Workflow workflow, ParseContext context, Set<String> declaredSteps, String label) {
    }

    /**
     * Parses as much as possible, recording errors instead of throwing, so that the validator can add its own.
     *
     * @throws BatonException INVALID_WORKFLOW only when the text is not a readable YAML/JSON object at all
     */
    Draft draft(String text, String sourceName) {
        Objects.requireNonNull(text, "text");
        String source = sourceName == null ? "" : sourceName;
        SourceReader.Document document = reader.read(text, source);
        ParseContext context = new ParseContext(document.locations());
        String label = source.isEmpty() ? "the workflow" : source;
        JsonNode root = document.root();
        if (!root.isObject()) {
            context.error("", "a workflow must be an object with 'id' and 'steps', got " + ParseContext.describe(root));
            context.throwIfErrors(label);
        }
        context.rejectUnknownFields(root, "", WORKFLOW_FIELDS, "in the workflow");

        String id = context.string(root, "id", "");
        if (id == null && !root.has("id")) {
            context.error("", "the workflow has no 'id'");
        }
        JsonNode version = root.get("version");
        if (version != null && !version.isNull() && !version.isTextual() && !version.isIntegralNumber()) {
            context.error("version", "must be a number or a string, got " + ParseContext.describe(version));
        }
        String description = context.string(root, "description", "");
        JsonNode inputSchema = inputSchema(root.get("inputs"), context);
        Duration timeout = context.duration(root, "timeout", "", true);
        Workflow.StepDefaults defaults = defaults(root.get("defaults"), context);
        Map<String, Step> steps = steps(root.get("steps"), context, defaults);
        ValueTemplate outputs = outputs(root.get("outputs"), context);
        Set<String> declared = new java.util.LinkedHashSet<>();
        if (root.path("steps").isObject()) {
            root.get("steps").fieldNames().forEachRemaining(declared::add);
        }
        Workflow workflow = new Workflow(id == null ? "" : id, 0, description, inputSchema, steps, outputs, timeout, defaults);
        return new Draft(workflow, context, declared, label);
    }

    private static JsonNode inputSchema(JsonNode node, ParseContext context) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            context.error("inputs", "must be a JSON Schema object such as {type: object, properties: {...}}, got "
                    + ParseContext.describe(node));
            return null;
        }
        return node.deepCopy();
    }

    private Workflow.StepDefaults defaults(JsonNode node, ParseContext context) {
        if (node == null || node.isNull()) {
            return Workflow.StepDefaults.DEFAULT;
        }
        if (!node.isObject()) {
            context.error("defaults", "must be an object with 'retry' and/or 'timeout', got " + ParseContext.describe(node));
            return Workflow.StepDefaults.DEFAULT;
        }
        context.rejectUnknownFields(node, "defaults", DEFAULTS_FIELDS, "in defaults");
        StepParser parser = new StepParser(context, templates, Workflow.StepDefaults.DEFAULT);
        RetryPolicy retry = parser.retry(node.get("retry"), "defaults.retry", RetryPolicy.DEFAULT);
        Duration timeout = context.duration(node, "timeout", "defaults", true);
        return new Workflow.StepDefaults(retry, timeout);
    }

    private Map<String, Step> steps(JsonNode node, ParseContext context, Workflow.StepDefaults defaults) {
        Map<String, Step> steps = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            context.error("", "the workflow has no 'steps'");
            return steps;
        }
        if (!node.isObject()) {
            context.error("steps", "must be a map of step id to step, got " + ParseContext.describe(node));
            return steps;
        }
        if (node.isEmpty()) {
            context.error("steps", "a workflow needs at least one step");
        }
        StepParser parser = new StepParser(context, templates, defaults);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Step step = parser.step(entry.getKey(), entry.getValue(), "steps." + entry.getKey());
            if (step != null) {
                steps.put(entry.getKey(), step);
            }
        }
        return steps;
    }

    private ValueTemplate outputs(JsonNode node, ParseContext context) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            context.error("outputs", "must be a map of output name to value or expression, got " + ParseContext.describe(node));
            return null;
        }
        try {
            return templates.compile(node, "outputs", context::locate, ExpressionScope.RUN);
        } catch (BatonException e) {
            context.addAll(e.errors());
            return null;
        }
    }
}
