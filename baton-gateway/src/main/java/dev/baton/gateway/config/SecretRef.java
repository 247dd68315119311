package dev.baton.gateway.config;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A reference to a secret, never the secret itself: {@code env:NAME} (an environment variable) or
 * {@code file:/path} (the file's content); surrounding whitespace is removed from both (the Docker/Kubernetes
 * secrets convention, and a key exported with a trailing newline is not a valid header value). {@link #toString()} shows the reference, so logging a configuration leaks nothing.
 *
 * @param scheme {@code env} or {@code file}
 * @param name   the variable name or the file path
 */
public record SecretRef(String scheme, String name) {

    public SecretRef {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(name, "name");
        if (!scheme.equals("env") && !scheme.equals("file")) {
            throw new IllegalArgumentException("secret scheme must be env or file: " + scheme);
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("secret name must not be blank");
        }
    }

    /**
     * Parses {@code env:NAME} or {@code file:/path}.
     *
     * @throws BatonException {@code INVALID_INPUT} naming {@code field} for anything else (a literal key
     *                        included: secrets are never written into configuration files)
     */
    public static SecretRef parse(String field, String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon > 0) {
            String scheme = text.substring(0, colon);
            String name = text.substring(colon + 1);
            if ((scheme.equals("env") || scheme.equals("file")) && !name.isBlank()) {
                return new SecretRef(scheme, name);
            }
        }
        throw BatonException.invalidInput(field,
                "must be a secret reference 'env:VARIABLE' or 'file:/path/to/secret', not a literal value");
    }

    /**
     * Reads the secret now.
     *
     * @param environment the process environment (injected for tests)
     * @throws BatonException {@code INVALID_INPUT} when the variable is unset or the file unreadable (the
     *                        message names the reference, never a value)
     */
    public String resolve(Map<String, String> environment) {
        if (scheme.equals("env")) {
            String value = environment.get(name);
            if (value == null || value.isBlank()) {
                throw new BatonException(ErrorCode.INVALID_INPUT, "environment variable " + name + " is not set");
            }
            return value.strip();
        }
        try {
            return Files.readString(Path.of(name), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new BatonException(ErrorCode.INVALID_INPUT, "cannot read secret file " + name + ": "
                    + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return scheme + ":" + name;
    }
}
