package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.secret.SecretSource;
import dev.baton.server.logging.SecretMask;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's {@link SecretSource}, from {@link SecretSettings}: for tenant {@code t} and name {@code N}, the file
 * {@code <directory>/t/N}, else (when the settings share installation-wide secrets, or {@code t} is the system
 * tenant) the file {@code <directory>/N}, else the variable {@code BATON_SECRET_N}. A tenant never reads another
 * tenant's directory: names and tenant ids cannot hold {@code /} or start with {@code .}, so every path stays one
 * or two levels under the directory.
 *
 * <p>Files are read at each lookup (a rotated Kubernetes secret takes effect without a restart; symbolic links,
 * as Kubernetes mounts them, are followed), at most {@value #MAX_BYTES} bytes of UTF-8, with one trailing line
 * break removed ({@code echo token > file}). Every value found is remembered by {@link SecretMask}, so that the
 * log masks it from then on. Thread-safe.
 */
public final class ConfiguredSecrets implements SecretSource {
    /** The largest secret file read. */
    public static final int MAX_BYTES = 64 * 1024;

    private final SecretSettings settings;
    private final String systemTenant;

    /**
     * @throws BatonException INVALID_INPUT when the configured directory does not exist or is not a directory
     */
    public ConfiguredSecrets(SecretSettings settings, String systemTenant) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.systemTenant = Objects.requireNonNull(systemTenant, "systemTenant");
        if (settings.directory() != null && !Files.isDirectory(settings.directory())) {
            throw BatonException.invalidInput("security.secrets.directory", "'" + settings.directory()
                    + "' is not a directory (mount the secrets there, or remove the setting / BATON_SECRETS_DIR)");
        }
        settings.variables().values().forEach(SecretMask::remember);
    }

    @Override
    public Optional<String> lookup(String tenantId, String name) {
        if (!NAME.matcher(name).matches() || !SecurityConfig.TENANT_ID.matcher(tenantId).matches()) {
            return Optional.empty();
        }
        Path directory = settings.directory();
        if (directory != null) {
            Optional<String> scoped = read(directory.resolve(tenantId).resolve(name), name);
            if (scoped.isPresent()) {
                return remembered(scoped);
            }
        }
        if (!settings.shared() && !tenantId.equals(systemTenant)) {
            return Optional.empty();
        }
        if (directory != null) {
            Optional<String> installation = read(directory.resolve(name), name);
            if (installation.isPresent()) {
                return remembered(installation);
            }
        }
        return remembered(Optional.ofNullable(settings.variables().get(name)));
    }

    private static Optional<String> remembered(Optional<String> value) {
        value.ifPresent(SecretMask::remember);
        return value;
    }

    private static Optional<String> read(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed between the check and the read
        } catch (IOException e) {
            throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "secret '" + name + "' could not be read from "
                    + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_BYTES) {
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "secret '" + name + "' in " + file
                    + " is larger than " + MAX_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "secret '" + name + "' in " + file
                    + " is not UTF-8 text");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return Optional.of(text);
    }
}
