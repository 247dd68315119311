package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.cel.common.values.OptionalValue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Converts between Jackson trees and CEL runtime values.
 *
 * <p>JSON to CEL: integers become {@code long} (integers beyond the long range become {@code double}), other
 * numbers {@code double}, objects {@code Map<String, ?>}, arrays {@code List<?>}, null {@link NullValue}.
 * Objects and arrays are wrapped in lazy read-only views, so an expression reading one field of a large step
 * output converts only that field.
 *
 * <p>CEL to JSON: {@code long} and {@code uint} become integers, {@code double} a number (non-finite values are
 * an error: JSON cannot hold them), maps objects (keys as strings), lists arrays, bytes base64 strings,
 * timestamps ISO-8601 instants, durations ISO-8601 durations, optionals their value or null.
 */
final class CelJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CelJson() {
    }

    /** A CEL value for a JSON node; containers are lazy views. */
    static Object toCel(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        return switch (node.getNodeType()) {
            case OBJECT -> new ObjectView(node);
            case ARRAY -> new ArrayView(node);
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
            case BINARY -> Base64.getEncoder().encodeToString(binary(node));
            case POJO -> node.asText();
            case NULL, MISSING -> NullValue.NULL_VALUE;
        };
    }

    /**
     * A lazy CEL map over a map of JSON nodes (the {@code steps} variable). The values are shared, not copied:
     * building the view costs one reference per entry.
     */
    static Map<String, Object> toCel(Map<String, JsonNode> nodes) {
        ObjectNode object = NODES.objectNode();
        object.setAll(nodes);
        return new ObjectView(object);
    }

    /**
     * The JSON node for a CEL result.
     *
     * @param budget counts nodes and checks string lengths against the limits
     * @throws ResultTooLarge when the value exceeds the limits
     * @throws NotJson        when the value has no JSON form
     */
    static JsonNode toJson(Object value, Budget budget) {
        budget.count();
        return switch (value) {
            case null -> NODES.nullNode();
            case NullValue n -> NODES.nullNode();
            case JsonNode node -> node;
            case ObjectView view -> view.node;
            case ArrayView view -> view.node;
            case String s -> {
                budget.checkString(s.length());
                yield NODES.textNode(s);
            }
            case Boolean b -> NODES.booleanNode(b);
            case Long l -> l == l.intValue() ? NODES.numberNode(l.intValue()) : NODES.numberNode(l);
            case Integer i -> NODES.numberNode(i);
            case UnsignedLong u -> u.compareTo(UnsignedLong.valueOf(Long.MAX_VALUE)) <= 0
                    ? toJson(u.longValue(), budget) : NODES.numberNode(u.bigIntegerValue());
            case BigInteger b -> NODES.numberNode(b);
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) {
                    throw new NotJson("the result " + d + " is not a finite number");
                }
                yield NODES.numberNode(d);
            }
            case Float f -> toJson(f.doubleValue(), budget);
            case CelByteString bytes -> NODES.textNode(Base64.getEncoder().encodeToString(bytes.toByteArray()));
            case Instant instant -> NODES.textNode(instant.toString());
            case Duration duration -> NODES.textNode(duration.toString());
            case OptionalValue<?, ?> optional -> optional.isZeroValue() ? NODES.nullNode() : toJson(optional.value(), budget);
            case Optional<?> optional -> optional.isPresent() ? toJson(optional.get(), budget) : NODES.nullNode();
            case Map<?, ?> map -> {
                budget.checkCollection(map.size());
                ObjectNode object = NODES.objectNode();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    object.set(keyOf(e.getKey()), toJson(e.getValue(), budget));
                }
                yield object;
            }
            case List<?> list -> {
                budget.checkCollection(list.size());
                ArrayNode array = NODES.arrayNode(list.size());
                for (Object element : list) {
                    array.add(toJson(element, budget));
                }
                yield array;
            }
            default -> throw new NotJson("a value of type " + value.getClass().getSimpleName() + " has no JSON form");
        };
    }

    private static String keyOf(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof UnsignedLong || key instanceof Long || key instanceof Boolean) {
            return String.valueOf(key);
        }
        throw new NotJson("a map key of type " + (key == null ? "null" : key.getClass().getSimpleName())
                + " cannot be a JSON object key");
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new NotJson("unreadable binary value");
        }
    }

    /** Counts converted nodes and checks sizes against the limits. Not thread-safe: one per conversion. */
    static final class Budget {
        private final ExpressionLimits limits;
        private long nodes;

        Budget(ExpressionLimits limits) {
            this.limits = limits;
        }

        void count() {
            if (++nodes > limits.maxCollectionSize()) {
                throw new ResultTooLarge("the result has more than " + limits.maxCollectionSize() + " values");
            }
        }

        void checkString(int length) {
            if (length > limits.maxStringLength()) {
                throw new ResultTooLarge("a string in the result is longer than " + limits.maxStringLength() + " characters");
            }
        }

        void checkCollection(int size) {
            if (size > limits.maxCollectionSize()) {
                throw new ResultTooLarge("a list or map in the result has more than " + limits.maxCollectionSize() + " elements");
            }
        }
    }

    /** The value exceeds a size limit. */
    static final class ResultTooLarge extends RuntimeException {
        ResultTooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /** The value cannot be represented as JSON. */
    static final class NotJson extends RuntimeException {
        NotJson(String message) {
            super(message, null, false, false);
        }
    }

    /** Read-only lazy map over a JSON object. */
    private static final class ObjectView extends AbstractMap<String, Object> {
        private final JsonNode node;

        ObjectView(JsonNode node) {
            this.node = node;
        }

        @Override
        public Object get(Object key) {
            if (!(key instanceof String name)) {
                return null;
            }
            JsonNode value = node.get(name);
            return value == null ? null : toCel(value);
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String name && node.has(name);
        }

        @Override
        public int size() {
            return node.size();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Entry<String, Object> next() {
                            Map.Entry<String, JsonNode> e = it.next();
                            return new SimpleImmutableEntry<>(e.getKey(), toCel(e.getValue()));
                        }
                    };
                }

                @Override
                public int size() {
                    return node.size();
                }
            };
        }
    }

    /** Read-only lazy list over a JSON array. */
    private static final class ArrayView extends AbstractList<Object> implements RandomAccess {
        private final JsonNode node;

        ArrayView(JsonNode node) {
            this.node = node;
        }

        @Override
        public Object get(int index) {
            if (index < 0 || index >= node.size()) {
                throw new IndexOutOfBoundsException("Index out of bounds: " + index);
            }
            return toCel(node.get(index));
        }

        @Override
        public int size() {
            return node.size();
        }
    }
}
