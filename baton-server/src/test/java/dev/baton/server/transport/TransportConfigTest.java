package dev.baton.server.transport;

import dev.baton.core.error.BatonException;
import dev.baton.server.BatonConfig;
import dev.baton.server.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code server.tls}, {@code server.cors} and {@code server.headers} settings as read from a file. */
class TransportConfigTest {
    @TempDir
    Path dir;

    private BatonConfig.Server load(String yaml, Map<String, String> env) throws Exception {
        return ConfigSource.load(Files.writeString(dir.resolve("baton.yaml"), yaml), env).server();
    }

    @Test
    void defaults_are_plain_http_no_cors_and_the_default_headers() throws Exception {
        BatonConfig.Server server = load("server: {port: 9000}\n", Map.of());
        assertThat(server.tls()).isNull();
        assertThat(server.cors()).isEqualTo(CorsSettings.OFF);
        assertThat(server.cors().enabled()).isFalse();
        assertThat(server.headers().effective()).isEqualTo(HeaderSettings.DEFAULTS);
        assertThat(new BatonConfig.Server("127.0.0.1", 1, 2048, Duration.ofSeconds(1)).headers())
                .isEqualTo(HeaderSettings.DEFAULT);
    }

    @Test
    void reads_tls_cors_and_headers_with_environment_over_file() throws Exception {
        BatonConfig.Server server = load("""
                server:
                  tls: {certificate: /etc/baton/cert.pem, privateKey: /etc/baton/key.pem, hstsMaxAge: 1d,
                        hstsIncludeSubDomains: true}
                  cors:
                    allowedOrigins: [https://a.example.com, "http://localhost:5173"]
                    allowedMethods: [get, post]
                    allowedHeaders: [Authorization]
                    exposedHeaders: X-Request-Id, Location
                    allowCredentials: true
                    maxAge: 30s
                  headers: {set: {X-Frame-Options: SAMEORIGIN, Cache-Control: null}}
                """, Map.of("BATON_TLS_PRIVATE_KEY", "/run/secrets/key.pem"));
        assertThat(server.tls()).isEqualTo(new TlsSettings(Path.of("/etc/baton/cert.pem"),
                Path.of("/run/secrets/key.pem"), Duration.ofDays(1), true));
        assertThat(server.cors()).isEqualTo(new CorsSettings(List.of("https://a.example.com", "http://localhost:5173"),
                List.of("GET", "POST"), List.of("Authorization"), List.of("X-Request-Id", "Location"), true,
                Duration.ofSeconds(30)));
        assertThat(server.headers().effective()).containsEntry("X-Frame-Options", "SAMEORIGIN")
                .doesNotContainKey("Cache-Control");

        BatonConfig.Server fromEnv = load("server: {}\n", Map.of("BATON_CORS_ALLOWED_ORIGINS",
                "https://a.example.com, https://b.example.com"));
        assertThat(fromEnv.cors().allowedOrigins()).containsExactly("https://a.example.com", "https://b.example.com");
        assertThat(fromEnv.cors().allowedMethods()).isEqualTo(CorsSettings.DEFAULT_METHODS);
    }

    @Test
    void refuses_unsafe_or_malformed_settings_naming_them() {
        assertThatThrownBy(() -> load("server: {cors: {allowedOrigins: ['*'], allowCredentials: true}}\n", Map.of()))
                .isInstanceOf(BatonException.class).hasMessageContaining("server.cors.allowCredentials");
        for (String origin : List.of("https://*.example.com", "https://a.example.com/path", "example.com",
                "ftp://a.example.com", "https://A.example.com")) {
            assertThatThrownBy(() -> CorsSettings.allowing(List.of(origin)))
                    .as(origin).hasMessageContaining("server.cors.allowedOrigins").hasMessageContaining("not an origin");
        }
        assertThatThrownBy(() -> load("server: {cors: {allowOrigins: [https://a.example.com]}}\n", Map.of()))
                .hasMessageContaining("server.cors.allowOrigins").hasMessageContaining("did you mean 'allowedOrigins'");
        assertThatThrownBy(() -> load("server: {tls: {privateKey: key.pem}}\n", Map.of()))
                .hasMessageContaining("server.tls.certificate");
        assertThatThrownBy(() -> load("server: {headers: {set: {'Bad Name': x}}}\n", Map.of()))
                .hasMessageContaining("server.headers.set");
        assertThatThrownBy(() -> new HeaderSettings(true, Map.of("X-Evil", "a\r\nSet-Cookie: x")))
                .hasMessageContaining("must be one line");
        assertThatThrownBy(() -> load("server: {cors: {allowedOrigins: [https://a.example.com], maxAge: 2d}}\n",
                Map.of())).hasMessageContaining("server.cors.maxAge");
    }
}
