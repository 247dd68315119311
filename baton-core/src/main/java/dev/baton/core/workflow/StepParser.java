package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.expr.ExpressionScope;
import dev.baton.core.expr.TemplateCompiler;
import dev.baton.core.expr.ValueTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one step (and, for {@code map}, its inner step) and retry policies, recording every error in the
 * {@link ParseContext}. Not thread-safe: one per document.
 */
final class StepParser {
    static final Set<String> STEP_FIELDS = Set.of("uses", "with", "needs", "if", "retry", "timeout", "onError");
    static final Set<String> INNER_STEP_FIELDS = Set.of("uses", "with", "retry", "timeout", "onError");
    static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "backoff", "initialDelay", "maxDelay", "multiplier", "jitter");
    /** Members of a map step's {@code with} that describe the per-item body rather than the map itself. */
    static final Set<String> MAP_BODY_ARGUMENTS = Set.of("step", "workflow", "version", "inputs");

    private final ParseContext context;
    private final TemplateCompiler templates;
    private final Workflow.StepDefaults defaults;

    StepParser(ParseContext context, TemplateCompiler templates, Workflow.StepDefaults defaults) {
        this.context = context;
        this.templates = templates;
        this.defaults = defaults;
    }

    /** A step of the workflow, or null when it has errors (which are recorded). */
    Step step(String id, JsonNode node, String path) {
        if (!node.isObject()) {
            context.error(path, "step '" + id + "' must be an object with at least 'uses', got " + ParseContext.describe(node));
            return null;
        }
        int errorsBefore = context.errorCount();
        context.rejectUnknownFields(node, path, STEP_FIELDS, "in step '" + id + "'");
        String uses = uses(node, path, "step '" + id + "'");
        List<String> needs = needs(node.get("needs"), ParseContext.child(path, "needs"));
        ValueTemplate when = condition(node.get("if"), ParseContext.child(path, "if"));
        RetryPolicy retry = retry(node.get("retry"), ParseContext.child(path, "retry"), defaults.retry());
        Duration timeout = context.duration(node, "timeout", path, true);
        OnError onError = onError(node, path);
        JsonNode with = withObject(node, path);
        Step body = null;
        if ("map".equals(uses) && with != null) {
            ObjectNode own = with.deepCopy();
            body = mapBody(id, own, ParseContext.child(path, "with"));
            own.remove(MAP_BODY_ARGUMENTS);
            with = own;
        }
        ValueTemplate withTemplate = with == null ? null : compile(with, ParseContext.child(path, "with"), ExpressionScope.RUN);
        if (uses == null || with == null) {
            return null;
        }
        if (context.errorCount() > errorsBefore) {
            // The document will be rejected; keep what parsed so the validator can still check this step's type,
            // arguments and needs, with the raw arguments standing in for templates that did not compile.
            return new Step(id, uses, withTemplate == null ? templates.constant(with) : withTemplate, needs, when,
                    retry, timeout, onError, body, context.locate(path));
        }
        return new Step(id, uses, withTemplate, needs, when, retry, timeout == null ? defaults.timeout() : timeout,
                onError, body, context.locate(path));
    }

    private Step mapBody(String id, ObjectNode with, String withPath) {
        JsonNode inner = with.get("step");
        JsonNode workflow = with.get("workflow");
        String bodyId = id + ".item";
        if (inner != null && workflow != null) {
            context.error(ParseContext.child(withPath, "workflow"), "a map step runs either 'step' or 'workflow' for each item, not both");
            return null;
        }
        if (inner == null && workflow == null) {
            context.error(withPath, "map step '" + id + "' needs 'step' (a step to run per item) or 'workflow' (a workflow to run per item)");
            return null;
        }
        if (inner != null) {
            for (String onlyWithWorkflow : List.of("version", "inputs")) {
                if (with.has(onlyWithWorkflow)) {
                    context.error(ParseContext.child(withPath, onlyWithWorkflow), "'" + onlyWithWorkflow
                            + "' applies to a map over a 'workflow'; with 'step', put arguments in step.with");
                }
            }
            return innerStep(bodyId, inner, ParseContext.child(withPath, "step"), id);
        }
        ObjectNode childWith = JsonNodeFactory.instance.objectNode();
        childWith.set("workflow", workflow);
        if (with.has("version")) {
            childWith.set("version", with.get("version"));
        }
        if (with.has("inputs")) {
            childWith.set("inputs", with.get("inputs"));
        }
        ValueTemplate template = compile(childWith, withPath, ExpressionScope.MAP_ITEM);
        return template == null ? null : new Step(bodyId, "workflow", template, List.of(), null, defaults.retry(),
                defaults.timeout(), OnError.FAIL, null, context.locate(withPath));
    }

    private Step innerStep(String bodyId, JsonNode node, String path, String mapId) {
        if (!node.isObject()) {
            context.error(path, "the inner step of map step '" + mapId + "' must be an object with 'uses', got "
                    + ParseContext.describe(node));
            return null;
        }
        int errorsBefore = context.errorCount();
        String where = "in the inner step of map step '" + mapId + "'";
        context.rejectUnknownFields(node, path, INNER_STEP_FIELDS, where);
        String uses = uses(node, path, "the inner step of map step '" + mapId + "'");
        if ("map".equals(uses)) {
            context.error(ParseContext.child(path, "uses"), "a map step cannot run a map step per item;"
                    + " map over a 'workflow' that contains the inner map instead");
        }
        RetryPolicy retry = retry(node.get("retry"), ParseContext.child(path, "retry"), defaults.retry());
        Duration timeout = context.duration(node, "timeout", path, true);
        OnError onError = onError(node, path);
        JsonNode with = withObject(node, path);
        ValueTemplate template = with == null ? null : compile(with, ParseContext.child(path, "with"), ExpressionScope.MAP_ITEM);
        if (context.errorCount() > errorsBefore || uses == null || template == null) {
            return null;
        }
        return new Step(bodyId, uses, template, List.of(), null, retry, timeout == null ? defaults.timeout() : timeout,
                onError, null, context.locate(path));
    }

    private String uses(JsonNode node, String path, String what) {
        if (!node.has("uses") || node.get("uses").isNull()) {
            context.error(path, what + " has no 'uses' (its step type, e.g. 'http' or 'transform')");
            return null;
        }
        String uses = context.string(node, "uses", path);
        if (uses != null && uses.isBlank()) {
            context.error(ParseContext.child(path, "uses"), "must name a step type");
            return null;
        }
        return uses;
    }

    private JsonNode withObject(JsonNode node, String path) {
        JsonNode with = node.get("with");
        if (with == null || with.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!with.isObject()) {
            context.error(ParseContext.child(path, "with"), "must be an object of arguments, got " + ParseContext.describe(with));
            return null;
        }
        return with;
    }

    private List<String> needs(JsonNode node, String path) {
        List<String> needs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return needs;
        }
        if (node.isTextual()) {
            needs.add(node.textValue());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                if (element.isTextual()) {
                    needs.add(element.textValue());
                } else {
                    context.error(path + "[" + i + "]", "must be a step id, got " + ParseContext.describe(element));
                }
            }
        } else {
            context.error(path, "must be a step id or a list of step ids, got " + ParseContext.describe(node));
        }
        return needs;
    }

    private ValueTemplate condition(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() && !node.isBoolean()) {
            context.error(path, "must be a boolean or an expression such as \"{{ inputs.enabled }}\", got "
                    + ParseContext.describe(node));
            return null;
        }
        return compile(node, path, ExpressionScope.RUN);
    }

    private OnError onError(JsonNode node, String path) {
        String text = context.string(node, "onError", path);
        if (text == null) {
            return OnError.FAIL;
        }
        return switch (text) {
            case "fail" -> OnError.FAIL;
            case "continue" -> OnError.CONTINUE;
            default -> {
                context.error(ParseContext.child(path, "onError"), "must be 'fail' or 'continue', got '" + text + "'");
                yield OnError.FAIL;
            }
        };
    }

    /**
     * A retry policy: the given fields over {@code base}. When only {@code initialDelay} is given and it exceeds
     * the base's {@code maxDelay}, {@code maxDelay} follows it.
     */
    RetryPolicy retry(JsonNode node, String path, RetryPolicy base) {
        if (node == null || node.isNull()) {
            return base;
        }
        if (!node.isObject()) {
            context.error(path, "must be an object such as {maxAttempts: 3, backoff: exponential}, got " + ParseContext.describe(node));
            return base;
        }
        int errorsBefore = context.errorCount();
        context.rejectUnknownFields(node, path, RETRY_FIELDS, "in retry");
        int maxAttempts = base.maxAttempts();
        JsonNode attempts = node.get("maxAttempts");
        if (attempts != null) {
            if (attempts.isIntegralNumber() && attempts.canConvertToInt()) {
                maxAttempts = attempts.intValue();
            } else {
                context.error(ParseContext.child(path, "maxAttempts"), "must be a whole number between 1 and 100, got "
                        + ParseContext.describe(attempts));
            }
        }
        Backoff backoff = base.backoff();
        String backoffText = context.string(node, "backoff", path);
        if (backoffText != null) {
            switch (backoffText.toLowerCase(Locale.ROOT)) {
                case "fixed" -> backoff = Backoff.FIXED;
                case "exponential" -> backoff = Backoff.EXPONENTIAL;
                default -> context.error(ParseContext.child(path, "backoff"), "must be 'fixed' or 'exponential', got '" + backoffText + "'");
            }
        }
        Duration initialDelay = orElse(context.duration(node, "initialDelay", path, false), base.initialDelay());
        Duration maxDelay = context.duration(node, "maxDelay", path, false);
        if (maxDelay == null) {
            maxDelay = base.maxDelay().compareTo(initialDelay) < 0 ? initialDelay : base.maxDelay();
        }
        double multiplier = number(node, "multiplier", path, base.multiplier());
        double jitter = number(node, "jitter", path, base.jitter());
        if (context.errorCount() > errorsBefore) {
            return base;
        }
        try {
            return new RetryPolicy(maxAttempts, backoff, initialDelay, maxDelay, multiplier, jitter);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String field = message.substring(0, Math.max(0, message.indexOf(' ')));
            context.error(RETRY_FIELDS.contains(field) ? ParseContext.child(path, field) : path, message);
            return base;
        }
    }

    private double number(JsonNode node, String name, String path, double fallback) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            context.error(ParseContext.child(path, name), "must be a number, got " + ParseContext.describe(value));
            return fallback;
        }
        return value.doubleValue();
    }

    private ValueTemplate compile(JsonNode raw, String path, ExpressionScope scope) {
        try {
            return templates.compile(raw, path, context::locate, scope);
        } catch (BatonException e) {
            context.addAll(e.errors());
            return null;
        }
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
