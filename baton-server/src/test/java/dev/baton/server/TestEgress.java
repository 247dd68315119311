package dev.baton.server;

import dev.baton.server.security.EgressSettings;

/**
 * The egress settings of tests whose fake services (upstreams, side-effect servers, OTLP receivers) listen on
 * the loopback. The product default denies the loopback; tests allow-list it explicitly, as an operator would.
 */
public final class TestEgress {
    /** The defaults plus {@code 127.0.0.0/8} and {@code ::1}. */
    public static final EgressSettings LOOPBACK = EgressSettings.DEFAULT.allowing("127.0.0.0/8", "::1");
    /** The same as a {@code BATON_EGRESS_ALLOW} value, for child processes configured by environment. */
    public static final String LOOPBACK_VARIABLE = "127.0.0.0/8,::1";

    private TestEgress() {
    }
}
