package dev.baton.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.server.ConfigSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code server.tls}, {@code server.cors} and {@code server.headers} (their keys are checked by
 * {@link ConfigSource}) with these environment variables over the file:
 * {@code BATON_TLS_CERTIFICATE}, {@code BATON_TLS_PRIVATE_KEY} and {@code BATON_CORS_ALLOWED_ORIGINS}
 * (comma-separated). Errors name the setting. Stateless.
 */
public final class TransportConfigReader {
    /** The keys of each subsection, for {@link ConfigSource}'s strict key check. */
    public static final Map<String, java.util.Set<String>> SECTIONS = Map.of(
            "server.tls", java.util.Set.of("certificate", "privateKey", "hstsMaxAge", "hstsIncludeSubDomains"),
            "server.cors", java.util.Set.of("allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders",
                    "allowCredentials", "maxAge"),
            "server.headers", java.util.Set.of("enabled", "set"));
    /** The environment variables read. */
    public static final List<String> ENVIRONMENT = List.of("BATON_TLS_CERTIFICATE", "BATON_TLS_PRIVATE_KEY",
            "BATON_CORS_ALLOWED_ORIGINS");

    private TransportConfigReader() {
    }

    /** {@code server.tls}, or {@code null} (plain HTTP) when neither file is given. */
    public static TlsSettings tls(JsonNode server, Map<String, String> env) {
        JsonNode node = server.path("tls");
        String certificate = setting(env, "BATON_TLS_CERTIFICATE", text(node, "certificate"));
        String privateKey = setting(env, "BATON_TLS_PRIVATE_KEY", text(node, "privateKey"));
        if (certificate == null && privateKey == null) {
            if (node.isObject() && !node.isEmpty()) {
                throw BatonException.invalidInput("server.tls.certificate", "is required when server.tls is set");
            }
            return null;
        }
        String maxAge = text(node, "hstsMaxAge");
        return new TlsSettings(certificate == null ? null : Path.of(certificate),
                privateKey == null ? null : Path.of(privateKey),
                maxAge == null ? TlsSettings.DEFAULT_HSTS_MAX_AGE : ConfigSource.duration("server.tls.hstsMaxAge", maxAge),
                bool("server.tls.hstsIncludeSubDomains", text(node, "hstsIncludeSubDomains"), false));
    }

    /** {@code server.cors}; {@link CorsSettings#OFF} without origins. */
    public static CorsSettings cors(JsonNode server, Map<String, String> env) {
        JsonNode node = server.path("cors");
        String fromEnv = env.get("BATON_CORS_ALLOWED_ORIGINS");
        List<String> origins = fromEnv != null && !fromEnv.isBlank()
                ? List.of(fromEnv.trim().split("\\s*,\\s*"))
                : list(node, "allowedOrigins", List.of());
        if (origins.isEmpty()) {
            return CorsSettings.OFF;
        }
        String maxAge = text(node, "maxAge");
        return new CorsSettings(origins, list(node, "allowedMethods", CorsSettings.DEFAULT_METHODS),
                list(node, "allowedHeaders", CorsSettings.DEFAULT_HEADERS),
                list(node, "exposedHeaders", CorsSettings.DEFAULT_EXPOSED),
                bool("server.cors.allowCredentials", text(node, "allowCredentials"), false),
                maxAge == null ? CorsSettings.DEFAULT_MAX_AGE : ConfigSource.duration("server.cors.maxAge", maxAge));
    }

    /** {@code server.headers}. */
    public static HeaderSettings headers(JsonNode server) {
        JsonNode node = server.path("headers");
        JsonNode set = node.path("set");
        Map<String, String> values = new LinkedHashMap<>();
        if (!set.isMissingNode() && !set.isNull()) {
            if (!set.isObject()) {
                throw BatonException.invalidInput("server.headers.set", "must be a mapping of header name to value");
            }
            for (Map.Entry<String, JsonNode> header : set.properties()) {
                JsonNode value = header.getValue();
                if (!value.isValueNode()) {
                    throw BatonException.invalidInput("server.headers.set." + header.getKey(), "must be a string");
                }
                values.put(header.getKey(), value.isNull() ? "" : value.asText());
            }
        }
        return new HeaderSettings(bool("server.headers.enabled", text(node, "enabled"), true), values);
    }

    private static List<String> list(JsonNode node, String key, List<String> fallback) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (value.isTextual()) {
            return List.of(value.asText().trim().split("\\s*,\\s*"));
        }
        if (!value.isArray()) {
            throw BatonException.invalidInput("server.cors." + key, "must be a list of strings");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw BatonException.invalidInput("server.cors." + key, "must be a list of strings, got " + item);
            }
            items.add(item.asText().trim());
        }
        return items;
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.path(key);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    private static String setting(Map<String, String> env, String variable, String fromFile) {
        String fromEnv = env.get(variable);
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : fromFile;
    }

    private static boolean bool(String setting, String value, boolean fallback) {
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw BatonException.invalidInput(setting, "must be true or false, got '" + value + "'");
        };
    }
}
