package dev.baton.server.transport;

import dev.baton.core.error.BatonException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The security headers sent on every response ({@code server.headers}): {@link #DEFAULTS} unless
 * {@code enabled: false}, with {@code set} adding headers or replacing defaults (an empty value removes one).
 * A handler that sets one of these headers itself (e.g. {@code Cache-Control} on an event stream) wins.
 *
 * @param enabled whether to send any; default true
 * @param set     extra or replaced headers by name; an empty value removes that default
 */
public record HeaderSettings(boolean enabled, Map<String, String> set) {
    /**
     * Every response says: do not sniff the type, never frame it, send no referrer, load nothing (the API serves
     * JSON, no pages), and do not store it (answers may carry keys, secrets' names, tenant data).
     */
    public static final Map<String, String> DEFAULTS = defaults();
    /** The defaults. */
    public static final HeaderSettings DEFAULT = new HeaderSettings(true, Map.of());

    public HeaderSettings {
        set = Map.copyOf(Objects.requireNonNull(set, "server.headers.set"));
        for (Map.Entry<String, String> header : set.entrySet()) {
            String name = header.getKey();
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw BatonException.invalidInput("server.headers.set", "'" + name + "' is not a header name");
            }
            if (header.getValue().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw BatonException.invalidInput("server.headers.set." + name, "must be one line");
            }
        }
    }

    /** The headers to send, in a stable order: the defaults with {@link #set()} applied; empty when disabled. */
    public Map<String, String> effective() {
        if (!enabled) {
            return Map.of();
        }
        Map<String, String> overrides = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        overrides.putAll(set);
        Map<String, String> headers = new LinkedHashMap<>();
        DEFAULTS.forEach((name, value) -> headers.put(name, overrides.getOrDefault(name, value)));
        overrides.forEach((name, value) -> {
            if (DEFAULTS.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                headers.put(name, value);
            }
        });
        headers.values().removeIf(String::isEmpty);
        return java.util.Collections.unmodifiableMap(headers);
    }

    private static Map<String, String> defaults() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.put("Cache-Control", "no-store");
        return java.util.Collections.unmodifiableMap(headers);
    }
}
