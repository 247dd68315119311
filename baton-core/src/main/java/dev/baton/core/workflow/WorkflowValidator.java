package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.FieldError;
import dev.baton.core.expr.SecretReference;
import dev.baton.core.expr.Templates;
import dev.baton.core.expr.ValueTemplate;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks the meaning of a parsed workflow and reports ALL problems at once: ids, step types and their
 * arguments, {@code needs} and expressions that name missing steps, dependency cycles (named, e.g.
 * {@code a -> b -> c -> a}), constant arguments of built-in types ({@code sleep} durations, {@code map}
 * concurrency, {@code workflow} ids) and the input JSON Schema.
 *
 * <p>Thread-safe; construct once per set of known step types.
 */
public final class WorkflowValidator {
    /** Workflow ids: letters, digits, {@code .}, {@code _}, {@code -}; starting with a letter or digit; at most 128. */
    public static final Pattern WORKFLOW_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Step ids: letters, digits, {@code _}, {@code -}; starting with a letter; at most 64. */
    public static final Pattern STEP_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    private final Map<String, StepSignature> signatures;
    private final InputValidator inputs;
    /** Handlers whose {@link StepHandler#checkArguments} runs on their steps; empty when built from signatures. */
    private final Map<String, StepHandler> handlers;

    /**
     * A validator knowing the built-in types and the handlers of {@code registry}; each handler also checks its
     * steps' constant arguments ({@link StepHandler#checkArguments}).
     */
    public WorkflowValidator(StepRegistry registry) {
        this(signaturesOf(registry), new InputValidator(), handlersOf(registry));
    }

    /**
     * @param handlerSignatures signatures of the handler step types by type name (built-ins are added)
     * @param inputs            validator for the input schema
     */
    public WorkflowValidator(Map<String, StepSignature> handlerSignatures, InputValidator inputs) {
        this(handlerSignatures, inputs, Map.of());
    }

    private WorkflowValidator(Map<String, StepSignature> handlerSignatures, InputValidator inputs,
                              Map<String, StepHandler> handlers) {
        Map<String, StepSignature> all = new TreeMap<>(handlerSignatures);
        all.putAll(BuiltInSteps.SIGNATURES);
        this.signatures = Map.copyOf(all);
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.handlers = Map.copyOf(handlers);
    }

    private static Map<String, StepHandler> handlersOf(StepRegistry registry) {
        Map<String, StepHandler> map = new LinkedHashMap<>();
        for (String type : registry.types()) {
            registry.find(type).ifPresent(handler -> map.put(type, handler));
        }
        return map;
    }

    private static Map<String, StepSignature> signaturesOf(StepRegistry registry) {
        Map<String, StepSignature> map = new LinkedHashMap<>();
        for (String type : registry.types()) {
            registry.find(type).map(StepHandler::signature).ifPresent(signature -> map.put(type, signature));
        }
        return map;
    }

    /** The step types this validator accepts, sorted. */
    public Set<String> knownTypes() {
        return new java.util.TreeSet<>(signatures.keySet());
    }

    /** The input validator used for schemas (share it to reuse its schema cache). */
    public InputValidator inputValidator() {
        return inputs;
    }

    /**
     * Validates a workflow without source positions.
     *
     * @throws BatonException INVALID_WORKFLOW with one {@link FieldError} per problem
     */
    public Workflow validate(Workflow workflow) {
        return validate(new ParsedWorkflow(workflow, SourceMap.EMPTY));
    }

    /**
     * Validates a parsed workflow; errors carry the line and column of the offending field.
     *
     * @return the same workflow, for chaining
     * @throws BatonException INVALID_WORKFLOW with one {@link FieldError} per problem
     */
    public Workflow validate(ParsedWorkflow parsed) {
        Workflow workflow = parsed.workflow();
        ParseContext context = new ParseContext(parsed.sourceMap());
        check(workflow, workflow.steps().keySet(), context);
        String source = parsed.sourceMap().source();
        context.throwIfErrors(source.isEmpty() ? "workflow '" + workflow.id() + "'" : source);
        return workflow;
    }

    /**
     * Parses and validates in one pass, reporting the parser's and the validator's errors together (steps that
     * did not parse are skipped by the validator, but still count as existing for {@code needs} and
     * expressions).
     *
     * @return the valid workflow, version 0
     * @throws BatonException INVALID_WORKFLOW with every problem, sorted by position
     */
    public Workflow validate(WorkflowParser parser, String text, String sourceName) {
        WorkflowParser.Draft draft = parser.draft(text, sourceName);
        check(draft.workflow(), draft.declaredSteps(), draft.context());
        draft.context().throwIfErrors(draft.label());
        return draft.workflow();
    }

    private void check(Workflow workflow, Set<String> declaredSteps, ParseContext context) {
        if (!workflow.id().isEmpty() && !WORKFLOW_ID.matcher(workflow.id()).matches()) {
            context.error("id", "invalid workflow id '" + workflow.id() + "': use letters, digits, '.', '_' and '-',"
                    + " starting with a letter or digit, at most 128 characters");
        }
        if (workflow.inputSchema() != null) {
            for (FieldError error : inputs.checkSchema(workflow.inputSchema())) {
                context.error(ParseContext.child("inputs", error.field()), error.message());
            }
        }
        Map<String, Set<String>> graph = new LinkedHashMap<>();
        for (Step step : workflow.steps().values()) {
            checkStep(step, declaredSteps, context);
            graph.put(step.id(), step.dependencies());
        }
        for (String id : declaredSteps) {
            if (!workflow.steps().containsKey(id) && !STEP_ID.matcher(id).matches()) {
                context.error("steps." + id, invalidStepId(id));
            }
        }
        if (workflow.outputs() != null) {
            checkReferences(workflow.outputs(), "outputs", "outputs", declaredSteps, context);
            rejectSecrets(workflow.outputs(), "workflow outputs (they are stored and returned by the API)", context);
        }
        for (List<String> cycle : DependencyCycles.find(graph)) {
            context.error("steps." + cycle.getFirst(), "dependency cycle: " + String.join(" -> ", cycle)
                    + " (each step waits for the next); remove a 'needs' or an expression reading steps.<id>");
        }
    }

    private static String invalidStepId(String id) {
        return "invalid step id '" + id + "': use letters, digits, '_' and '-', starting with a letter, at most 64 characters";
    }

    private void checkStep(Step step, Set<String> steps, ParseContext context) {
        String path = "steps." + step.id();
        if (!STEP_ID.matcher(step.id()).matches()) {
            context.error(path, invalidStepId(step.id()));
        }
        for (int i = 0; i < step.needs().size(); i++) {
            String need = step.needs().get(i);
            String field = path + ".needs" + (context.sourceMap().locations().containsKey(path + ".needs[" + i + "]")
                    ? "[" + i + "]" : "");
            if (need.equals(step.id())) {
                continue; // reported as a cycle
            }
            if (!steps.contains(need)) {
                context.error(field, "step '" + step.id() + "' needs '" + need + "', which is not a step of this workflow"
                        + suggestion(need, steps));
            }
        }
        checkReferences(step.with(), path + ".with", "step '" + step.id() + "'", steps, context);
        if (step.when() != null) {
            checkReferences(step.when(), path + ".if", "step '" + step.id() + "'", steps, context);
            rejectSecrets(step.when(), "a condition ('if')", context);
        }
        if (step.uses().equals(BuiltInSteps.MAP)) {
            checkArguments(step.with(), BuiltInSteps.MAP_OWN, BuiltInSteps.MAP, path + ".with", context);
            checkSecrets(step.with(), BuiltInSteps.MAP_OWN, BuiltInSteps.MAP, context);
            checkConcurrency(step.with(), path + ".with.concurrency", context);
            Step body = step.body();
            if (body != null) {
                boolean overWorkflow = body.uses().equals(BuiltInSteps.WORKFLOW) && Templates.memberNames(body.with())
                        .map(names -> names.contains("workflow")).orElse(false) && !context.sourceMap().locations()
                        .containsKey(path + ".with.step");
                String bodyPath = overWorkflow ? path + ".with" : path + ".with.step";
                checkReferences(body.with(), bodyPath + (overWorkflow ? "" : ".with"), "step '" + step.id() + "'", steps, context);
                checkType(body, bodyPath, context);
            }
        } else {
            checkType(step, path, context);
        }
    }

    private void checkType(Step step, String path, ParseContext context) {
        StepSignature signature = signatures.get(step.uses());
        if (signature == null) {
            String suggestion = Suggestions.closest(step.uses(), signatures.keySet());
            context.error(path + ".uses", "unknown step type '" + step.uses() + "'"
                    + (suggestion != null ? "; did you mean '" + suggestion + "'?" : "; known types: "
                    + String.join(", ", knownTypes())));
            return;
        }
        checkArguments(step.with(), signature, step.uses(), path + ".with", context);
        checkSecrets(step.with(), signature, step.uses(), context);
        StepHandler handler = handlers.get(step.uses());
        if (handler != null) {
            checkHandlerArguments(handler, step.with(), path + ".with", context);
        }
        switch (step.uses()) {
            case BuiltInSteps.SLEEP -> Templates.constantMember(step.with(), "duration").ifPresent(value -> {
                if (!value.isTextual()) {
                    context.error(path + ".with.duration", "must be a duration such as '5s', got " + ParseContext.describe(value));
                } else {
                    try {
                        DurationFormat.parse(value.textValue());
                    } catch (IllegalArgumentException e) {
                        context.error(path + ".with.duration", e.getMessage());
                    }
                }
            });
            case BuiltInSteps.WORKFLOW -> {
                Templates.constantMember(step.with(), "workflow").ifPresent(value -> {
                    if (!value.isTextual() || !WORKFLOW_ID.matcher(value.textValue()).matches()) {
                        context.error(path + ".with.workflow", "must be a workflow id, got " + ParseContext.describe(value));
                    }
                });
                Templates.constantMember(step.with(), "version").ifPresent(value -> {
                    if (!value.isNull() && !(value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0)) {
                        context.error(path + ".with.version", "must be a version number (0 or absent for the latest), got "
                                + ParseContext.describe(value));
                    }
                });
                Templates.constantMember(step.with(), "inputs").ifPresent(value -> {
                    if (!value.isObject() && !value.isNull()) {
                        context.error(path + ".with.inputs", "must be an object, got " + ParseContext.describe(value));
                    }
                });
            }
            default -> {
            }
        }
    }

    private static void checkArguments(ValueTemplate with, StepSignature signature, String type, String path,
                                       ParseContext context) {
        Optional<Set<String>> names = Templates.memberNames(with);
        if (names.isEmpty()) {
            return;
        }
        Set<String> accepted = new java.util.TreeSet<>(signature.required());
        accepted.addAll(signature.optional());
        for (String name : names.get()) {
            if (!signature.accepts(name)) {
                String suggestion = Suggestions.closest(name, accepted);
                context.error(path + "." + name, "unknown argument '" + name + "' for step type '" + type + "'"
                        + (suggestion != null ? "; did you mean '" + suggestion + "'?"
                        : accepted.isEmpty() ? "; it takes no arguments" : "; it accepts: " + String.join(", ", accepted)));
            }
        }
        for (String required : new java.util.TreeSet<>(signature.required())) {
            if (!names.get().contains(required)) {
                context.error(path, "step type '" + type + "' needs argument '" + required + "'");
            }
        }
    }

    /** The handler's own checks of the arguments it accepts (unknown names were reported already). */
    private static void checkHandlerArguments(StepHandler handler, ValueTemplate with, String path,
                                              ParseContext context) {
        Optional<Set<String>> written = Templates.memberNames(with);
        if (written.isEmpty()) {
            return;
        }
        Set<String> names = new java.util.TreeSet<>();
        Map<String, JsonNode> constants = new LinkedHashMap<>();
        for (String name : written.get()) {
            if (handler.signature().accepts(name)) {
                names.add(name);
                Templates.constantMember(with, name).ifPresent(value -> constants.put(name, value));
            }
        }
        List<FieldError> problems;
        try {
            problems = handler.checkArguments(Set.copyOf(names), java.util.Collections.unmodifiableMap(constants));
        } catch (RuntimeException e) {
            context.error(path, "step type '" + handler.type() + "' failed to check its arguments: " + e);
            return;
        }
        for (FieldError problem : problems) {
            String field = problem.field();
            context.error(field.isEmpty() ? path : field.startsWith("[") ? path + field : path + "." + field,
                    problem.message());
        }
    }

    /** Secret references only where the step type accepts them ({@link StepSignature#secretFields()}). */
    private static void checkSecrets(ValueTemplate with, StepSignature signature, String type, ParseContext context) {
        for (SecretReference secret : with.secretReferences()) {
            if (!signature.acceptsSecretAt(secret.argument())) {
                context.error(secret.field(), "secrets." + secret.name() + " cannot be used here: step type '" + type
                        + "' accepts secrets " + (signature.secretFields().isEmpty() ? "in none of its arguments"
                        : "only in " + String.join(", ", new java.util.TreeSet<>(signature.secretFields())))
                        + " (a secret's value is only sent where it is needed, never stored)");
            }
        }
    }

    private static void rejectSecrets(ValueTemplate template, String where, ParseContext context) {
        for (SecretReference secret : template.secretReferences()) {
            context.error(secret.field(), "secrets." + secret.name() + " cannot be used in " + where
                    + ": a secret's value is only sent where it is needed, never stored");
        }
    }

    private static void checkConcurrency(ValueTemplate with, String path, ParseContext context) {
        Templates.constantMember(with, "concurrency").ifPresent(value -> {
            if (!(value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 1
                    && value.intValue() <= BuiltInSteps.MAX_MAP_CONCURRENCY)) {
                context.error(path, "must be a whole number between 1 and " + BuiltInSteps.MAX_MAP_CONCURRENCY + ", got "
                        + ParseContext.describe(value));
            }
        });
    }

    private static void checkReferences(ValueTemplate template, String path, String owner, Set<String> steps,
                                        ParseContext context) {
        Map<String, Set<String>> byField = Templates.referencesByField(template)
                .orElseGet(() -> Map.of(path, template.referencedSteps()));
        for (Map.Entry<String, Set<String>> entry : byField.entrySet()) {
            for (String id : entry.getValue()) {
                if (!steps.contains(id)) {
                    context.error(entry.getKey(), "an expression of " + owner + " reads steps." + id
                            + ", but the workflow has no step '" + id + "'" + suggestion(id, steps));
                }
            }
        }
    }

    private static String suggestion(String name, Set<String> candidates) {
        String closest = Suggestions.closest(name, candidates);
        return closest == null ? "" : "; did you mean '" + closest + "'?";
    }
}
