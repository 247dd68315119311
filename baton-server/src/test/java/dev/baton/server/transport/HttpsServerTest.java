package dev.baton.server.transport;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS over real TLS on 127.0.0.1 with a self-signed certificate made in the test. */
class HttpsServerTest {
    @TempDir
    Path dir;

    private static BatonConfig config(TlsSettings tls) {
        BatonConfig base = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED);
        return base.withServer(base.server().withTls(tls));
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serves_https_with_hsts_from_a_pkcs8_rsa_key_and_no_plain_http() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("RSA");
        TlsSettings tls = new TlsSettings(cert.writeCertificate(dir), cert.writePkcs8Key(dir));
        try (BatonNode node = BatonNode.open(config(tls));
             BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
            assertThat(server.url().getScheme()).isEqualTo("https");
            HttpClient client = HttpClient.newBuilder().sslContext(cert.trustingClient()).build();

            HttpResponse<String> live = get(client, URI.create(server.url() + "/api/v1/health/live"));
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.sslSession()).isPresent();
            assertThat(live.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            assertThat(live.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

            HttpResponse<String> workflows = get(client, URI.create(server.url() + "/api/v1/workflows"));
            assertThat(workflows.statusCode()).isEqualTo(200);

            URI plain = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/health/live");
            HttpClient http = HttpClient.newHttpClient();
            // Jetty answers a plain-text request on a TLS port with a TLS alert or closes: never with the API
            try {
                HttpResponse<String> answer = get(http, plain);
                assertThat(answer.statusCode()).isNotEqualTo(200);
            } catch (IOException expected) {
                assertThat(expected).isNotNull();
            }
        }
    }

    @Test
    void reads_a_pkcs1_rsa_key_and_a_pkcs8_ec_key_and_sends_hsts_with_subdomains_as_configured() throws Exception {
        SelfSignedCertificate rsa = SelfSignedCertificate.create("RSA");
        assertThat(Files.readString(rsa.writeTraditionalKey(dir))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(PemKeyStore.load(rsa.writeCertificate(dir), rsa.writeTraditionalKey(dir))
                .isKeyEntry(PemKeyStore.ALIAS)).isTrue();

        Path ecDir = Files.createDirectory(dir.resolve("ec"));
        SelfSignedCertificate ec = SelfSignedCertificate.create("EC");
        TlsSettings tls = new TlsSettings(ec.writeCertificate(ecDir), ec.writePkcs8Key(ecDir), Duration.ofDays(1),
                true);
        try (BatonNode node = BatonNode.open(config(tls));
             BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
            HttpClient client = HttpClient.newBuilder().sslContext(ec.trustingClient()).build();
            HttpResponse<String> live = get(client, URI.create(server.url() + "/api/v1/health/live"));
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.headers().firstValue("Strict-Transport-Security"))
                    .hasValue("max-age=86400; includeSubDomains");
        }
    }

    @Test
    void refuses_a_key_of_another_certificate_an_ec_sec1_key_and_missing_files_naming_the_setting()
            throws Exception {
        SelfSignedCertificate one = SelfSignedCertificate.create("RSA");
        Path otherDir = Files.createDirectory(dir.resolve("other"));
        SelfSignedCertificate other = SelfSignedCertificate.create("RSA");
        Path certificate = one.writeCertificate(dir);
        Path wrongKey = other.writePkcs8Key(otherDir);
        assertThatThrownBy(() -> PemKeyStore.load(certificate, wrongKey))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("server.tls.privateKey").contains("not the private key");
                });

        SelfSignedCertificate ec = SelfSignedCertificate.create("EC");
        Path sec1 = ec.writeTraditionalKey(otherDir);
        assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
        assertThatThrownBy(() -> PemKeyStore.load(ec.writeCertificate(otherDir), sec1))
                .hasMessageContaining("server.tls.privateKey").hasMessageContaining("openssl pkcs8 -topk8");

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("missing.pem"), wrongKey))
                .hasMessageContaining("server.tls.certificate").hasMessageContaining("cannot read");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        assertThatThrownBy(() -> PemKeyStore.load(notPem, wrongKey))
                .hasMessageContaining("holds no PEM certificate");

        TlsSettings broken = new TlsSettings(certificate, wrongKey);
        try (BatonNode node = BatonNode.open(config(broken))) {
            assertThatThrownBy(() -> BatonServer.start(node, "127.0.0.1", 0))
                    .isInstanceOfSatisfying(BatonException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("server.tls.privateKey");
        }
    }
}
