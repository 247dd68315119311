package dev.baton.server.security;

/** The security.secrets (where secrets.NAME values come from) settings (read by {@link SecretsConfigReader}). */
public record SecretSettings() {
    /** The defaults. */
    public static final SecretSettings DEFAULT = new SecretSettings();
}
