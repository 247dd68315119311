package dev.baton.server.security;

/** The security.egress (the egress policy of http steps and provider base URLs) settings (read by {@link EgressConfigReader}). */
public record EgressSettings() {
    /** The defaults. */
    public static final EgressSettings DEFAULT = new EgressSettings();
}
