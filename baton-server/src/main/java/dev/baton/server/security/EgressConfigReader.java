package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.config.ConfigTree;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code security.egress} and its variables into {@link EgressSettings}. Strict: unknown keys fail with a
 * "did you mean". Stateless.
 *
 * <pre>{@code
 * security:
 *   egress:
 *     enabled: true                       # BATON_EGRESS_ENABLED
 *     allow: [10.20.0.0/16, api.internal.corp, "*.svc.cluster.local"]   # BATON_EGRESS_ALLOW (comma-separated)
 *     deny: [10.20.99.0/24]               # BATON_EGRESS_DENY (comma-separated)
 * }</pre>
 * A variable replaces the file's value.
 */
public final class EgressConfigReader {
    private static final String PATH = SecurityConfigReader.SECTION + ".egress";
    private static final Set<String> KEYS = Set.of("enabled", "allow", "deny");

    private EgressConfigReader() {
    }

    /**
     * @param security the whole {@code security:} section (missing node when absent)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the setting (and the bad list entry)
     */
    public static EgressSettings read(JsonNode security, Map<String, String> env) {
        ConfigTree egress = new ConfigTree(SecurityConfigReader.SECTION, security).get("egress").fields(KEYS);
        boolean enabled = env.containsKey("BATON_EGRESS_ENABLED")
                ? bool(env.get("BATON_EGRESS_ENABLED"), "BATON_EGRESS_ENABLED")
                : egress.get("enabled").bool(EgressSettings.DEFAULT.enabled());
        List<String> allow = entries(egress.get("allow"), env.get("BATON_EGRESS_ALLOW"), "BATON_EGRESS_ALLOW");
        List<String> deny = entries(egress.get("deny"), env.get("BATON_EGRESS_DENY"), "BATON_EGRESS_DENY");
        return new EgressSettings(enabled, allow, deny);
    }

    private static List<String> entries(ConfigTree list, String variable, String name) {
        if (variable != null) {
            List<String> entries = Arrays.stream(variable.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .toList();
            entries.forEach(entry -> check(entry, name));
            return entries;
        }
        List<String> entries = list.elements().stream().map(e -> {
            String entry = e.requiredText();
            check(entry, e.path());
            return entry;
        }).toList();
        return entries;
    }

    private static void check(String entry, String path) {
        try {
            dev.baton.core.security.EgressPolicy.of(true, List.of(entry), List.of());
        } catch (IllegalArgumentException e) {
            throw ConfigTree.invalid(path, e.getMessage());
        }
    }

    private static boolean bool(String value, String name) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ConfigTree.invalid(name, "must be true or false, got '" + value + "'");
        };
    }
}
