package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The loopback rule: with authentication off every caller is an admin, so the API may listen only on a loopback
 * address ({@code 127.0.0.0/8}, {@code ::1}, or a name that resolves only to those) unless
 * {@code security.auth.allowUnauthenticated} says otherwise, explicitly. Checked before the listener opens.
 * Stateless.
 */
public final class ListenerGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerGuard.class);

    private ListenerGuard() {
    }

    /**
     * @param host the address the listener binds
     * @throws BatonException INVALID_INPUT naming {@code security.auth.enabled} when auth is off, {@code host} is
     *                        not loopback and there is no override
     */
    public static void check(AuthSettings auth, String host) {
        if (auth.enabled() || isLoopback(host)) {
            return;
        }
        if (auth.allowUnauthenticated()) {
            LOG.warn("authentication is OFF and the API listens on {}: every caller who can reach it is an admin "
                     + "(security.auth.allowUnauthenticated: true)", host);
            return;
        }
        throw BatonException.invalidInput("security.auth.enabled", "refusing to listen on " + host
                + " with authentication off: anyone who can reach that address would act as an admin. Turn "
                + "authentication on (security.auth.enabled: true, then create API keys with 'baton keys create "
                + "--local'), listen on 127.0.0.1 (server.host), or accept the risk explicitly with "
                + "security.auth.allowUnauthenticated: true (BATON_ALLOW_UNAUTHENTICATED=true)");
    }

    /** Whether every address {@code host} stands for is a loopback address. */
    public static boolean isLoopback(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress[] addresses = InetAddress.getAllByName(name);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
