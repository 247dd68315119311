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
}
