package dev.baton.core.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scrubs secret values from what a step attempt produced: every occurrence of a value, in any string of a JSON
 * value (member names included) or in a message, becomes {@value #MASK}.
 *
 * <p>Besides each value as it is, its JSON-escaped form (a service that echoes it inside a JSON text body) and its
 * URL-encoded forms ({@code %20} and {@code +} for a space) are scrubbed. Other transformations (base64, hashes,
 * a value split across lines) cannot be recognised; docs/security.md says so. Longer values are replaced first,
 * so that a value containing another is scrubbed whole. Every non-empty value is scrubbed, however short (a
 * one-character secret garbles outputs; that is the safe side).
 *
 * <p>Immutable and thread-safe.
 */
public final class Redaction {
    /** What replaces a secret value. */
    public static final String MASK = "[REDACTED]";
    /** A redaction that changes nothing. */
    public static final Redaction NONE = new Redaction(List.of());

    private final List<String> needles;

    private Redaction(List<String> needles) {
        this.needles = needles;
    }

    /** A redaction of the given values (null and empty ones are ignored) and their encoded forms. */
    public static Redaction of(Collection<String> values) {
        Set<String> needles = new LinkedHashSet<>();
        for (String value : values) {
            if (value == null || value.isEmpty()) {
                continue;
            }
            needles.add(value);
            needles.add(new String(JsonStringEncoder.getInstance().quoteAsString(value)));
            String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
            needles.add(form);
            needles.add(form.replace("+", "%20"));
        }
        List<String> sorted = new ArrayList<>(needles);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return sorted.isEmpty() ? NONE : new Redaction(List.copyOf(sorted));
    }

    /** Whether there is nothing to scrub. */
    public boolean isEmpty() {
        return needles.isEmpty();
    }

    /** {@code text} with every value replaced by {@value #MASK}; the same instance when none occurs. */
    public String scrub(String text) {
        if (text == null || text.isEmpty() || needles.isEmpty()) {
            return text;
        }
        String out = text;
        for (String needle : needles) {
            if (out.contains(needle)) {
                out = out.replace(needle, MASK);
            }
        }
        return out;
    }

    /**
     * {@code value} with every string scrubbed; the same instance when nothing changed, else a copy (the input is
     * never modified).
     */
    public JsonNode scrub(JsonNode value) {
        if (value == null || needles.isEmpty()) {
            return value;
        }
        if (value.isTextual()) {
            String text = value.textValue();
            String scrubbed = scrub(text);
            return scrubbed.equals(text) ? value : JsonNodeFactory.instance.textNode(scrubbed);
        }
        if (value.isObject()) {
            ObjectNode out = null;
            int index = 0;
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
            value.properties().forEach(members::add);
            for (Map.Entry<String, JsonNode> member : members) {
                String name = scrub(member.getKey());
                JsonNode child = scrub(member.getValue());
                if (out == null && (!name.equals(member.getKey()) || child != member.getValue())) {
                    out = JsonNodeFactory.instance.objectNode();
                    for (int i = 0; i < index; i++) {
                        out.set(members.get(i).getKey(), members.get(i).getValue());
                    }
                }
                if (out != null) {
                    out.set(name, child);
                }
                index++;
            }
            return out == null ? value : out;
        }
        if (value.isArray()) {
            ArrayNode out = null;
            int index = 0;
            for (Iterator<JsonNode> it = value.elements(); it.hasNext(); index++) {
                JsonNode element = it.next();
                JsonNode child = scrub(element);
                if (out == null && child != element) {
                    out = JsonNodeFactory.instance.arrayNode(value.size());
                    for (int i = 0; i < index; i++) {
                        out.add(value.get(i));
                    }
                }
                if (out != null) {
                    out.add(child);
                }
            }
            return out == null ? value : out;
        }
        return value;
    }
}
