package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelVariableResolver;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The compiled tree of a {@link ValueTemplate}. Immutable. */
sealed interface TemplateNode {

    /**
     * Renders this node with the given variables.
     *
     * @throws dev.baton.core.error.BatonException EXPRESSION_FAILED when an expression fails
     */
    JsonNode render(CelVariableResolver variables, ExpressionLimits limits, SecretValues secrets);

    /** The secret references of this node and its children, in document order. */
    default void collectSecrets(java.util.List<SecretReference> into) {
        switch (this) {
            case Constant c -> {
            }
            case Single s -> {
            }
            case Interpolated i -> i.parts().stream().filter(SecretReference.class::isInstance)
                    .map(SecretReference.class::cast).forEach(into::add);
            case ObjectTemplate o -> o.members().values().forEach(member -> member.collectSecrets(into));
            case ArrayTemplate a -> a.elements().forEach(element -> element.collectSecrets(into));
        }
    }

    /** Steps read by the expressions of this node and its children. */
    void collectSteps(Set<String> into);

    /** The expressions of this node and its children, in document order. */
    default void collectExpressions(java.util.List<Expression> into) {
        switch (this) {
            case Constant c -> {
            }
            case Single s -> into.add(s.expression());
            case Interpolated i -> i.parts().stream().filter(Expression.class::isInstance).map(Expression.class::cast)
                    .forEach(into::add);
            case ObjectTemplate o -> o.members().values().forEach(member -> member.collectExpressions(into));
            case ArrayTemplate a -> a.elements().forEach(element -> element.collectExpressions(into));
        }
    }

    /** A value without expressions; rendering returns it as is. */
    record Constant(JsonNode value) implements TemplateNode {
        @Override
        public JsonNode render(CelVariableResolver variables, ExpressionLimits limits, SecretValues secrets) {
            return value;
        }

        @Override
        public void collectSteps(Set<String> into) {
        }
    }

    /** A string that is exactly one placeholder: yields the typed value. */
    record Single(Expression expression) implements TemplateNode {
        @Override
        public JsonNode render(CelVariableResolver variables, ExpressionLimits limits, SecretValues secrets) {
            return expression.evaluate(variables);
        }

        @Override
        public void collectSteps(Set<String> into) {
            into.addAll(expression.referencedSteps());
        }
    }

    /**
     * A string with text around or between placeholders: each result is interpolated (strings as they are,
     * null as nothing, numbers and booleans as JSON text, lists and objects as compact JSON).
     *
     * @param parts {@link String} literals, {@link Expression}s and {@link SecretReference}s in order (a secret
     *              alone in its string is an {@code Interpolated} of one part: it always renders as text)
     */
    record Interpolated(List<Object> parts) implements TemplateNode {
        @Override
        public JsonNode render(CelVariableResolver variables, ExpressionLimits limits, SecretValues secrets) {
            StringBuilder out = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof Expression expression) {
                    JsonNode value = expression.evaluate(variables);
                    if (value.isTextual()) {
                        out.append(value.textValue());
                    } else if (!value.isNull()) {
                        out.append(value);
                    }
                    if (out.length() > limits.maxStringLength()) {
                        throw expression.failure("the interpolated string is longer than "
                                + limits.maxStringLength() + " characters", null);
                    }
                } else if (part instanceof SecretReference secret) {
                    out.append(secrets.value(secret));
                } else {
                    out.append((String) part);
                }
            }
            return JsonNodeFactory.instance.textNode(out.toString());
        }

        @Override
        public void collectSteps(Set<String> into) {
            for (Object part : parts) {
                if (part instanceof Expression expression) {
                    into.addAll(expression.referencedSteps());
                }
            }
        }
    }

    /** An object with at least one templated member; constant members are kept pre-built. */
    record ObjectTemplate(Map<String, TemplateNode> members) implements TemplateNode {
        @Override
        public JsonNode render(CelVariableResolver variables, ExpressionLimits limits, SecretValues secrets) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, TemplateNode> member : members.entrySet()) {
                out.set(member.getKey(), member.getValue().render(variables, limits, secrets));
            }
            return out;
        }

        @Override
        public void collectSteps(Set<String> into) {
            members.values().forEach(member -> member.collectSteps(into));
        }
    }

    /** An array with at least one templated element. */
    record ArrayTemplate(List<TemplateNode> elements) implements TemplateNode {
        @Override
        public JsonNode render(CelVariableResolver variables, ExpressionLimits limits, SecretValues secrets) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(elements.size());
            for (TemplateNode element : elements) {
                out.add(element.render(variables, limits, secrets));
            }
            return out;
        }

        @Override
        public void collectSteps(Set<String> into) {
            elements.forEach(element -> element.collectSteps(into));
        }
    }
}
