package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelListsExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles JSON values with {@code {{ expression }}} placeholders into {@link ValueTemplate}s, using
 * <a href="https://cel.dev">CEL</a> (Common Expression Language, cel-java) for the expressions.
 *
 * <p>The CEL environment: variables {@code inputs}, {@code steps}, {@code run} ({@code map(string, dyn)}) and,
 * in {@link ExpressionScope#MAP_ITEM}, {@code item} ({@code dyn}) and {@code index} ({@code int}); the standard
 * macros ({@code has}, {@code all}, {@code exists}, {@code exists_one}, {@code map}, {@code filter}) and the
 * extensions strings, math, lists (without {@code lists.range}, which allocates without iterating), sets,
 * encoders (base64) and optionals. No function does I/O. Evaluation is bounded by {@link ExpressionLimits}.
 *
 * <p>A placeholder that is exactly {@code secrets.NAME} (or {@code secrets['NAME']}) is not an expression: it
 * compiles to a {@link SecretReference} rendered as text (see {@link SecretValues}); {@code secrets} is not a CEL
 * variable, so any other use of it does not compile. Which fields may hold secrets is the validator's business.
 *
 * <p>{@code steps} must be read as {@code steps.<id>} or {@code steps['<id>']} (a constant id), so that the
 * steps a template reads, and thus the workflow's dependency graph, are known before a run starts.
 *
 * <p>Building a compiler is expensive (hundreds of ms); compiling a template is cheap; rendering is the hot
 * path. Thread-safe.
 */
public final class TemplateCompiler {
    /** The compiler with {@link ExpressionLimits#DEFAULT}. */
    public static final TemplateCompiler DEFAULT = new TemplateCompiler(ExpressionLimits.DEFAULT);

    private static final JsonNode NULL = JsonNodeFactory.instance.nullNode();

    private final ExpressionLimits limits;
    private final Map<ExpressionScope, CelCompiler> compilers = new EnumMap<>(ExpressionScope.class);
    private final CelRuntime runtime;

    public TemplateCompiler(ExpressionLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        CelOptions options = CelOptions.current()
                .comprehensionMaxIterations(limits.maxIterations())
                .enableHeterogeneousNumericComparisons(true)
                .enableOptionalSyntax(true)
                .maxExpressionCodePointSize(10_000)
                .build();
        EnumSet<CelListsExtensions.Function> listFunctions = EnumSet.allOf(CelListsExtensions.Function.class);
        listFunctions.remove(CelListsExtensions.Function.RANGE);
        var mapOfDyn = MapType.create(SimpleType.STRING, SimpleType.DYN);
        for (ExpressionScope scope : ExpressionScope.values()) {
            CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                    .setOptions(options)
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .addLibraries(CelExtensions.strings(), CelExtensions.math(), CelExtensions.lists(listFunctions),
                            CelExtensions.sets(options), CelExtensions.encoders(options), CelExtensions.optional())
                    .addVar("inputs", mapOfDyn)
                    .addVar("steps", mapOfDyn)
                    .addVar("run", mapOfDyn);
            if (scope == ExpressionScope.MAP_ITEM) {
                builder.addVar("item", SimpleType.DYN).addVar("index", SimpleType.INT);
            }
            compilers.put(scope, builder.build());
        }
        runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(options)
                .addLibraries(CelExtensions.strings(), CelExtensions.math(), CelExtensions.lists(listFunctions),
                        CelExtensions.sets(options), CelExtensions.encoders(options), CelExtensions.optional())
                .build();
    }

    public ExpressionLimits limits() {
        return limits;
    }

    /**
     * Compiles a template.
     *
     * @param raw       the JSON value as written (null or missing means JSON null)
     * @param fieldPath where the value sits in its document, e.g. {@code steps.fetch.with}; error messages and
     *                  nested paths ({@code steps.fetch.with.headers.auth}, {@code ...items[0]}) start with it
     * @param locator   source position of a (nested) field path, for error messages
     * @param scope     which variables the expressions may use
     * @return the template; constant when {@code raw} contains no placeholder
     * @throws BatonException INVALID_WORKFLOW with one {@link FieldError} per expression that does not compile
     */
    public ValueTemplate compile(JsonNode raw, String fieldPath, Function<String, SourceLocation> locator,
                                 ExpressionScope scope) {
        Objects.requireNonNull(fieldPath, "fieldPath");
        Objects.requireNonNull(locator, "locator");
        Objects.requireNonNull(scope, "scope");
        JsonNode value = raw == null || raw.isMissingNode() ? NULL : raw;
        List<FieldError> errors = new ArrayList<>();
        TemplateNode root = node(value, fieldPath, fieldPath, locator, scope, errors);
        if (!errors.isEmpty()) {
            String summary = errors.size() == 1 ? errors.getFirst().toString()
                    : errors.size() + " expressions do not compile; first: " + errors.getFirst();
            throw new BatonException(ErrorCode.INVALID_WORKFLOW, summary, errors);
        }
        Set<String> steps = new LinkedHashSet<>();
        root.collectSteps(steps);
        return new CompiledTemplate(root, steps, limits, value.toString());
    }

    /** A template that always renders {@code value}. */
    public ValueTemplate constant(JsonNode value) {
        JsonNode v = value == null || value.isMissingNode() ? NULL : value.deepCopy();
        return new CompiledTemplate(new TemplateNode.Constant(v), Set.of(), limits, v.toString());
    }

    private TemplateNode node(JsonNode value, String root, String path, Function<String, SourceLocation> locator,
                              ExpressionScope scope, List<FieldError> errors) {
        if (value.isTextual()) {
            return string(value, root, path, locator, scope, errors);
        }
        if (value.isObject()) {
            Map<String, TemplateNode> members = new LinkedHashMap<>();
            boolean constant = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String memberPath = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
                TemplateNode child = node(member.getValue(), root, memberPath, locator, scope, errors);
                constant &= child instanceof TemplateNode.Constant;
                members.put(member.getKey(), child);
            }
            return constant ? new TemplateNode.Constant(value.deepCopy())
                    : new TemplateNode.ObjectTemplate(java.util.Collections.unmodifiableMap(members));
        }
        if (value.isArray()) {
            List<TemplateNode> elements = new ArrayList<>(value.size());
            boolean constant = true;
            for (int i = 0; i < value.size(); i++) {
                TemplateNode child = node(value.get(i), root, path + "[" + i + "]", locator, scope, errors);
                constant &= child instanceof TemplateNode.Constant;
                elements.add(child);
            }
            return constant ? new TemplateNode.Constant(value.deepCopy()) : new TemplateNode.ArrayTemplate(List.copyOf(elements));
        }
        return new TemplateNode.Constant(value.deepCopy());
    }

    private TemplateNode string(JsonNode value, String root, String path, Function<String, SourceLocation> locator,
                                ExpressionScope scope, List<FieldError> errors) {
        String text = value.textValue();
        if (!Placeholders.mayContain(text)) {
            return new TemplateNode.Constant(value);
        }
        List<Placeholders.Part> parts;
        try {
            parts = Placeholders.split(text);
        } catch (Placeholders.SyntaxError e) {
            errors.add(new FieldError(path, e.getMessage() + " in \"" + text + "\"", locator.apply(path)));
            return new TemplateNode.Constant(value);
        }
        List<Object> compiled = new ArrayList<>(parts.size());
        boolean ok = true;
        for (Placeholders.Part part : parts) {
            switch (part) {
                case Placeholders.Text t -> compiled.add(t.text());
                case Placeholders.Placeholder p -> {
                    Optional<String> secret;
                    try {
                        secret = SecretReference.nameOf(p.source());
                    } catch (IllegalArgumentException e) {
                        errors.add(new FieldError(path, e.getMessage() + " in \"" + text + "\"", locator.apply(path)));
                        ok = false;
                        continue;
                    }
                    if (secret.isPresent()) {
                        compiled.add(new SecretReference(secret.get(), path, relative(root, path)));
                        continue;
                    }
                    Expression expression = expression(p.source(), path, locator, scope, errors);
                    ok &= expression != null;
                    compiled.add(expression);
                }
            }
        }
        if (!ok) {
            return new TemplateNode.Constant(value);
        }
        if (compiled.size() == 1 && compiled.getFirst() instanceof Expression single) {
            return new TemplateNode.Single(single);
        }
        return new TemplateNode.Interpolated(List.copyOf(compiled));
    }

    /** {@code path} relative to the template's root: {@code headers.a} for root {@code steps.x.with}. */
    private static String relative(String root, String path) {
        if (path.equals(root)) {
            return "";
        }
        if (root.isEmpty()) {
            return path;
        }
        String rest = path.substring(root.length());
        return rest.startsWith(".") ? rest.substring(1) : rest;
    }

    private Expression expression(String source, String path, Function<String, SourceLocation> locator,
                                  ExpressionScope scope, List<FieldError> errors) {
        CelValidationResult result;
        try {
            result = compilers.get(scope).compile(source);
        } catch (RuntimeException e) {
            // cel-java's parser can throw on some malformed input instead of reporting an issue (found by fuzzing:
            // math.greatest over a broken optional list throws IllegalArgumentException from a macro expansion)
            errors.add(new FieldError(path, "expression '" + source + "' does not compile: the expression is"
                    + " malformed (" + e.getClass().getSimpleName() + ")", locator.apply(path)));
            return null;
        }
        if (result.hasError()) {
            errors.add(new FieldError(path, "expression '" + source + "' does not compile: "
                    + describe(result.getErrors(), scope), locator.apply(path)));
            return null;
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            StepReferences references = StepReferences.of(ast);
            if (references.dynamic()) {
                errors.add(new FieldError(path, "expression '" + source + "' reads 'steps' with a computed key;"
                        + " write steps.<id> or steps['<id>'] so that Baton knows which steps it depends on",
                        locator.apply(path)));
                return null;
            }
            return new Expression(source, path, runtime.createProgram(ast), references.ids(), limits);
        } catch (CelValidationException | CelEvaluationException e) {
            errors.add(new FieldError(path, "expression '" + source + "' does not compile: " + e.getMessage(),
                    locator.apply(path)));
            return null;
        } catch (RuntimeException e) {
            errors.add(new FieldError(path, "expression '" + source + "' does not compile: the expression is"
                    + " malformed (" + e.getClass().getSimpleName() + ")", locator.apply(path)));
            return null;
        }
    }

    private static String describe(List<CelIssue> issues, ExpressionScope scope) {
        List<String> messages = new ArrayList<>();
        for (CelIssue issue : issues) {
            String message = issue.getMessage();
            if (message.startsWith("undeclared reference to '")) {
                String name = message.substring("undeclared reference to '".length(), message.indexOf('\'', 25));
                message = "unknown variable or function '" + name + "'";
                if (name.equals("secrets") || name.startsWith("secrets.")) {
                    message = "'secrets' can only be a placeholder of its own, '{{ secrets.NAME }}' (e.g. \"Bearer"
                            + " {{ secrets.API_TOKEN }}\"), in the fields that accept secrets: a secret's value never"
                            + " enters an expression";
                } else if (scope == ExpressionScope.RUN && (name.equals("item") || name.equals("index"))) {
                    message += " ('" + name + "' is only available inside the inner step of a map step)";
                } else if (!name.contains(".")) {
                    message += " (variables: " + String.join(", ", scope.variables()) + ")";
                }
            } else {
                message = message.replace(" (in container '')", "");
            }
            int column = issue.getSourceLocation().getColumn();
            messages.add(column >= 0 ? message + " at column " + (column + 1) : message);
        }
        return String.join("; ", messages);
    }
}
