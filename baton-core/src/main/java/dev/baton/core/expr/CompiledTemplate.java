package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelVariableResolver;

import java.util.Optional;
import java.util.Set;

/**
 * The {@link ValueTemplate} produced by {@link TemplateCompiler}. Rendering a constant template returns the
 * pre-built value without allocating. Immutable and thread-safe; the returned nodes must not be modified.
 */
final class CompiledTemplate implements ValueTemplate {
    private final TemplateNode root;
    private final Set<String> referencedSteps;
    private final ExpressionLimits limits;
    private final String source;

    private final java.util.List<SecretReference> secrets;

    CompiledTemplate(TemplateNode root, Set<String> referencedSteps, ExpressionLimits limits, String source) {
        this.root = root;
        this.referencedSteps = Set.copyOf(referencedSteps);
        this.limits = limits;
        this.source = source;
        java.util.List<SecretReference> found = new java.util.ArrayList<>();
        root.collectSecrets(found);
        this.secrets = java.util.List.copyOf(found);
    }

    @Override
    public JsonNode render(Bindings bindings) {
        return render(bindings, SecretValues.PLACEHOLDERS);
    }

    @Override
    public JsonNode render(Bindings bindings, SecretValues values) {
        if (root instanceof TemplateNode.Constant constant) {
            return constant.value();
        }
        return root.render(resolver(bindings), limits, values);
    }

    @Override
    public java.util.List<SecretReference> secretReferences() {
        return secrets;
    }

    @Override
    public Set<String> referencedSteps() {
        return referencedSteps;
    }

    @Override
    public boolean isConstant() {
        return root instanceof TemplateNode.Constant;
    }

    /** Steps read, by the field path of the expression reading them, in document order. */
    java.util.Map<String, Set<String>> referencesByField() {
        java.util.List<Expression> expressions = new java.util.ArrayList<>();
        root.collectExpressions(expressions);
        java.util.Map<String, Set<String>> out = new java.util.LinkedHashMap<>();
        for (Expression expression : expressions) {
            if (!expression.referencedSteps().isEmpty()) {
                out.computeIfAbsent(expression.field(), f -> new java.util.LinkedHashSet<>()).addAll(expression.referencedSteps());
            }
        }
        return out;
    }

    /** The member names when the template is an object, else null. */
    Set<String> memberNames() {
        return switch (root) {
            case TemplateNode.Constant c when c.value().isObject() -> {
                Set<String> names = new java.util.LinkedHashSet<>();
                c.value().fieldNames().forEachRemaining(names::add);
                yield names;
            }
            case TemplateNode.ObjectTemplate o -> o.members().keySet();
            default -> null;
        };
    }

    /** The value of an object member when it is written without expressions, else null. */
    JsonNode constantMember(String name) {
        return switch (root) {
            case TemplateNode.Constant c when c.value().isObject() -> c.value().get(name);
            case TemplateNode.ObjectTemplate o -> o.members().get(name) instanceof TemplateNode.Constant c ? c.value() : null;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return source;
    }

    /** Variables resolved lazily: only what an expression reads is converted. */
    private static CelVariableResolver resolver(Bindings bindings) {
        return name -> switch (name) {
            case "inputs" -> Optional.of(CelJson.toCel(bindings.inputs()));
            case "steps" -> Optional.of(CelJson.toCel(bindings.steps()));
            case "run" -> Optional.of(CelJson.toCel(bindings.run()));
            default -> {
                JsonNode local = bindings.locals().get(name);
                yield local == null ? Optional.empty() : Optional.of(CelJson.toCel(local));
            }
        };
    }
}
