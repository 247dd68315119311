package dev.baton.steps.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** https on the Jetty transport: certificates are verified against the JVM's trust store, as before. */
class HttpStepTlsTest {

    @Test
    void a_service_with_an_untrusted_certificate_is_refused_before_any_request(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("self-signed.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "s", "-keyalg", "EC",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assumeTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "keytool is not usable here");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        AtomicInteger requests = new AtomicInteger();
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try (HttpStep step = new HttpStep(new HttpStepSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), 1024),
                OpenTelemetry.noop(), HttpStepTest.LOOPBACK_ALLOWED)) {
            String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/x";
            assertThatThrownBy(() -> step.execute(TestContext.unbounded(),
                    new ObjectMapper().readTree("{\"url\": \"" + url + "\"}")))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                        assertThat(e.getMessage()).containsIgnoringCase("certification path");
                    });
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }
}
