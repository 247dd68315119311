package dev.baton.server.security;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The {@code security.secrets} settings: where the values of {@code {{ secrets.NAME }}} come from (read by
 * {@link SecretsConfigReader}, served by {@link ConfiguredSecrets}; docs/security.md "Secrets").
 *
 * @param directory a directory of secret files, {@code <directory>/<NAME>} (installation-wide) and
 *                  {@code <directory>/<tenant>/<NAME>} (one tenant's, winning over the former), the way Docker
 *                  and Kubernetes mount secrets; {@code null} for none. Files are read at each use, so a rotated
 *                  secret takes effect without a restart
 * @param shared    whether installation-wide secrets (files directly in the directory and {@code BATON_SECRET_*}
 *                  variables) are visible to every tenant or only to the system tenant; read as true by default
 *                  while authentication is off, false when it is on ({@link SecretsConfigReader})
 * @param variables the values of the {@code BATON_SECRET_<NAME>} environment variables by NAME, read when the
 *                  configuration is loaded (empty when {@code security.secrets.environment} is false). Never
 *                  printed ({@link #toString()} shows the names only) nor serialized
 */
public record SecretSettings(Path directory, boolean shared, @JsonIgnore Map<String, String> variables) {
    /** No directory, no variables: every secret reference fails its step (authentication off: shared). */
    public static final SecretSettings DEFAULT = new SecretSettings(null, true, Map.of());

    public SecretSettings {
        variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    @Override
    public String toString() {
        return "SecretSettings[directory=" + directory + ", shared=" + shared + ", variables="
                + new TreeSet<>(variables.keySet()) + "]";
    }
}
