package dev.baton.server.transport;

import dev.baton.server.BatonConfig;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds the API's Jetty connector from {@code server}: plain HTTP, or HTTPS only when {@code server.tls} is set
 * (TLS 1.2+ with Jetty's default cipher suites, which exclude the weak ones; HSTS from
 * {@link SecureRequestCustomizer}); in both cases with the security headers ({@link SecurityHeaders}). Host, port
 * and accept queue are the caller's. Stateless.
 */
public final class Listener {
    private Listener() {
    }

    /**
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the {@code server.tls} setting when the
     *                                             certificate or key cannot be used
     */
    public static ServerConnector connector(Server server, HttpConfiguration http, BatonConfig.Server settings) {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.addCustomizer(new SecurityHeaders(settings.headers()));
        TlsSettings tls = settings.tls();
        if (tls == null) {
            return new ServerConnector(server, new HttpConnectionFactory(http));
        }
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(PemKeyStore.load(tls.certificate(), tls.privateKey()));
        ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
        ssl.setCertAlias(PemKeyStore.ALIAS);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        http.setSecureScheme("https");
        // Clients reach the node by many names (IP, service name, load balancer): the certificate is the client's
        // to check, so the server does not reject a request whose Host differs from the SNI name.
        SecureRequestCustomizer secure = new SecureRequestCustomizer(false, tls.hstsMaxAge().toSeconds(),
                tls.hstsIncludeSubDomains());
        if (tls.hstsMaxAge().isZero()) {
            secure.setStsMaxAge(-1);
        }
        http.addCustomizer(secure);
        return new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(http));
    }
}
