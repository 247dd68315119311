package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.SourceLocation;

/**
 * Shortcuts to {@link TemplateCompiler#DEFAULT}: compile a JSON value with {@code {{ expression }}}
 * placeholders into a {@link ValueTemplate}. Thread-safe.
 */
public final class Templates {
    private Templates() {
    }

    /**
     * Compiles a template whose expressions may use {@code inputs}, {@code steps} and {@code run}.
     *
     * @throws dev.baton.core.error.BatonException INVALID_WORKFLOW when an expression does not compile
     * @see TemplateCompiler#compile
     */
    public static ValueTemplate compile(JsonNode raw, String fieldPath, SourceLocation location) {
        return TemplateCompiler.DEFAULT.compile(raw, fieldPath, path -> location, ExpressionScope.RUN);
    }

    /**
     * Compiles a template for the given scope ({@link ExpressionScope#MAP_ITEM} adds {@code item} and
     * {@code index}).
     *
     * @throws dev.baton.core.error.BatonException INVALID_WORKFLOW when an expression does not compile
     */
    public static ValueTemplate compile(JsonNode raw, String fieldPath, SourceLocation location, ExpressionScope scope) {
        return TemplateCompiler.DEFAULT.compile(raw, fieldPath, path -> location, scope);
    }

    /** A template that always renders {@code value} (a copy of it). */
    public static ValueTemplate constant(JsonNode value) {
        return TemplateCompiler.DEFAULT.constant(value);
    }

    /**
     * The member names of a template written as an object (e.g. a step's {@code with}), for checking them
     * against a step signature; empty when the template is not an object or was not compiled by Baton.
     */
    public static java.util.Optional<java.util.Set<String>> memberNames(ValueTemplate template) {
        return template instanceof CompiledTemplate compiled
                ? java.util.Optional.ofNullable(compiled.memberNames()) : java.util.Optional.empty();
    }

    /**
     * The value of an object member written without expressions (e.g. {@code concurrency: 4}); empty when the
     * member is absent, contains an expression, or the template is not an object.
     */
    public static java.util.Optional<JsonNode> constantMember(ValueTemplate template, String name) {
        return template instanceof CompiledTemplate compiled
                ? java.util.Optional.ofNullable(compiled.constantMember(name)) : java.util.Optional.empty();
    }

    /**
     * The steps a template reads, by the field path of each expression (e.g. {@code steps.b.with.url} →
     * {@code [fetch]}), for precise error positions; empty when the template was not compiled by Baton (then use
     * {@link ValueTemplate#referencedSteps()}).
     */
    public static java.util.Optional<java.util.Map<String, java.util.Set<String>>> referencesByField(ValueTemplate template) {
        return template instanceof CompiledTemplate compiled
                ? java.util.Optional.of(compiled.referencesByField()) : java.util.Optional.empty();
    }
}
