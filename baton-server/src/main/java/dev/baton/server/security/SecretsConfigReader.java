package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.secret.SecretSource;
import dev.baton.gateway.config.ConfigTree;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code security.secrets} and its variables into {@link SecretSettings}. Stateless.
 *
 * <pre>{@code
 * security:
 *   secrets:
 *     directory: /run/secrets   # BATON_SECRETS_DIR; <dir>/<NAME> and <dir>/<tenant>/<NAME>
 *     environment: true         # BATON_SECRETS_ENVIRONMENT; read BATON_SECRET_<NAME> variables
 *     shared: false             # BATON_SECRETS_SHARED; installation-wide secrets visible to every tenant
 *                               # default: true while security.auth.enabled is false, else false
 * }</pre>
 */
public final class SecretsConfigReader {
    /** The prefix of the variables holding secret values: {@code BATON_SECRET_API_TOKEN} is {@code API_TOKEN}. */
    public static final String VARIABLE_PREFIX = "BATON_SECRET_";
    private static final Set<String> KEYS = Set.of("directory", "environment", "shared");

    private SecretsConfigReader() {
    }

    /**
     * @param security    the whole {@code security:} section (missing node when absent)
     * @param env         the environment: {@code BATON_SECRETS_DIR}, {@code BATON_SECRETS_ENVIRONMENT},
     *                    {@code BATON_SECRETS_SHARED} override the file; {@code BATON_SECRET_<NAME>} are the values
     * @param authEnabled whether {@code security.auth.enabled} is on: then {@code shared} defaults to false, so
     *                    that with several tenants the operator's installation-wide secrets serve only the system
     *                    tenant unless the operator opts in (any tenant's http step could otherwise send them to a
     *                    URL of its choosing); with auth off every caller is the system tenant anyway
     * @throws BatonException INVALID_INPUT naming the setting
     */
    public static SecretSettings read(JsonNode security, Map<String, String> env, boolean authEnabled) {
        ConfigTree tree = new ConfigTree("security", security).get("secrets").fields(KEYS);
        String directoryText = env.getOrDefault("BATON_SECRETS_DIR", tree.get("directory").text(null));
        Path directory = null;
        if (directoryText != null && !directoryText.isBlank()) {
            try {
                directory = Path.of(directoryText.strip());
            } catch (InvalidPathException e) {
                throw BatonException.invalidInput("security.secrets.directory", "is not a path: " + e.getMessage());
            }
        }
        boolean environment = flag(env, "BATON_SECRETS_ENVIRONMENT", "security.secrets.environment",
                tree.get("environment").bool(true));
        boolean shared = flag(env, "BATON_SECRETS_SHARED", "security.secrets.shared", tree.get("shared").bool(!authEnabled));
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment) {
            env.forEach((name, value) -> {
                if (name.startsWith(VARIABLE_PREFIX) && value != null) {
                    String secret = name.substring(VARIABLE_PREFIX.length());
                    if (SecretSource.NAME.matcher(secret).matches()) {
                        variables.put(secret, value);
                    }
                }
            });
        }
        return new SecretSettings(directory, shared, variables);
    }

    private static boolean flag(Map<String, String> env, String variable, String setting, boolean fallback) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw BatonException.invalidInput(setting, variable + " must be true or false, got '" + value + "'");
        };
    }
}
