package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.security.Role;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** security.auth: defaults, the OIDC block, environment overrides and clear errors. */
class AuthConfigReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static AuthSettings read(String yaml, Map<String, String> env) {
        try {
            JsonNode security = YAML.readTree(yaml);
            return SecurityConfigReader.read(security, env).auth();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void auth_is_off_by_default() {
        assertThat(SecurityConfigReader.read(null, Map.of()).auth()).isEqualTo(AuthSettings.DEFAULT);
        assertThat(read("systemTenant: default", Map.of())).isEqualTo(AuthSettings.DEFAULT);
    }

    @Test
    void reads_the_whole_section() {
        AuthSettings auth = read("""
                auth:
                  enabled: true
                  allowUnauthenticated: false
                  oidc:
                    issuer: https://idp.example.com/
                    audience: baton
                    jwksUrl: https://idp.example.com/jwks.json
                    tenantClaim: org
                    rolesClaim: groups
                    roleMapping: {baton-admins: admin, readers: viewer}
                    algorithms: [rs256, ES384]
                    clockSkew: 30s
                    jwksCacheTtl: 10m
                """, Map.of());

        assertThat(auth.enabled()).isTrue();
        OidcSettings oidc = auth.oidc();
        assertThat(oidc.issuer()).isEqualTo("https://idp.example.com/");
        assertThat(oidc.audience()).isEqualTo("baton");
        assertThat(oidc.jwksUrl()).isEqualTo(URI.create("https://idp.example.com/jwks.json"));
        assertThat(oidc.tenantClaim()).isEqualTo("org");
        assertThat(oidc.rolesClaim()).isEqualTo("groups");
        assertThat(oidc.roleMapping()).containsEntry("baton-admins", Role.ADMIN).containsEntry("readers", Role.VIEWER);
        assertThat(oidc.algorithms()).containsExactly("RS256", "ES384");
        assertThat(oidc.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(oidc.jwksCacheTtl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void environment_variables_override_the_file() {
        AuthSettings auth = read("auth: {enabled: false}", Map.of("BATON_AUTH_ENABLED", "true",
                "BATON_OIDC_ISSUER", "https://i/", "BATON_OIDC_AUDIENCE", "a",
                "BATON_OIDC_JWKS_URL", "http://127.0.0.1:9/jwks"));

        assertThat(auth.enabled()).isTrue();
        assertThat(auth.oidc().issuer()).isEqualTo("https://i/");
        assertThat(auth.oidc().algorithms()).isEqualTo(List.of("RS256", "ES256"));
        assertThat(read("auth: {}", Map.of("BATON_AUTH_ALLOW_UNAUTHENTICATED", "true")).allowUnauthenticated())
                .isTrue();
    }

    @Test
    void a_plain_http_jwks_url_is_refused_at_start_unless_its_host_is_loopback() {
        for (String url : List.of("http://idp.example.com/jwks.json", "http://10.0.0.5/jwks", "http://[fe80::1]/j",
                "http://localhost.evil.example/j")) {
            assertThatThrownBy(() -> read("auth: {oidc: {issuer: x, audience: a, jwksUrl: '" + url + "'}}", Map.of()))
                    .as(url).isInstanceOf(dev.baton.core.error.BatonException.class)
                    .hasMessageContaining("security.auth.oidc.jwksUrl").hasMessageContaining("https");
        }
        assertThatThrownBy(() -> read("auth: {}", Map.of("BATON_OIDC_ISSUER", "i", "BATON_OIDC_AUDIENCE", "a",
                "BATON_OIDC_JWKS_URL", "http://idp.example.com/jwks"))).hasMessageContaining("jwksUrl");
        assertThatThrownBy(() -> OidcSettings.of("i", "a", URI.create("http://idp.example.com/jwks")))
                .hasMessageContaining("jwksUrl must be https");
        for (String url : List.of("https://idp.example.com/jwks.json", "http://127.0.0.1:9/jwks",
                "http://localhost:8080/jwks", "http://[::1]:9/jwks", "http://127.1.2.3/j")) {
            assertThat(read("auth: {oidc: {issuer: x, audience: a, jwksUrl: '" + url + "'}}", Map.of()).oidc()
                    .jwksUrl()).as(url).isEqualTo(URI.create(url));
        }
    }

    @Test
    void the_override_is_read_from_baton_allow_unauthenticated_as_designed_and_from_the_older_name() {
        assertThat(read("auth: {}", Map.of("BATON_ALLOW_UNAUTHENTICATED", "true")).allowUnauthenticated()).isTrue();
        assertThat(read("auth: {allowUnauthenticated: true}", Map.of("BATON_ALLOW_UNAUTHENTICATED", "false"))
                .allowUnauthenticated()).isFalse();
        assertThat(read("auth: {}", Map.of("BATON_ALLOW_UNAUTHENTICATED", "true",
                "BATON_AUTH_ALLOW_UNAUTHENTICATED", "true")).allowUnauthenticated()).isTrue();
        assertThatThrownBy(() -> read("auth: {}", Map.of("BATON_ALLOW_UNAUTHENTICATED", "true",
                "BATON_AUTH_ALLOW_UNAUTHENTICATED", "false")))
                .hasMessageContaining("security.auth.allowUnauthenticated").hasMessageContaining("disagree");
        assertThatThrownBy(() -> read("auth: {}", Map.of("BATON_ALLOW_UNAUTHENTICATED", "yes")))
                .hasMessageContaining("BATON_ALLOW_UNAUTHENTICATED must be true or false");
        assertThat(AuthConfigReader.ENVIRONMENT).contains("BATON_ALLOW_UNAUTHENTICATED");
    }

    @Test
    void every_variable_is_listed_with_the_others() {
        assertThat(dev.baton.server.ConfigSource.ENVIRONMENT).containsAll(AuthConfigReader.ENVIRONMENT);
    }

    @Test
    void the_whole_file_reads_the_section() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("baton", ".yaml");
        try {
            java.nio.file.Files.writeString(file, "security:\n  auth: {enabled: true}\n");
            assertThat(dev.baton.server.ConfigSource.load(file, Map.of()).security().auth().enabled()).isTrue();
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void mistakes_name_the_setting() {
        assertThatThrownBy(() -> read("auth: {enabeld: true}", Map.of())).isInstanceOf(BatonException.class)
                .hasMessageContaining("enabeld").hasMessageContaining("enabled");
        assertThatThrownBy(() -> read("auth: {enabled: yes please}", Map.of()))
                .hasMessageContaining("security.auth.enabled");
        assertThatThrownBy(() -> read("auth: {}", Map.of("BATON_AUTH_ENABLED", "maybe")))
                .hasMessageContaining("BATON_AUTH_ENABLED");
        assertThatThrownBy(() -> read("auth: {oidc: {issuer: x, jwksUrl: 'https://i/j'}}", Map.of()))
                .hasMessageContaining("security.auth.oidc.audience");
        assertThatThrownBy(() -> read("auth: {oidc: {issuer: x, audience: a, jwksUrl: 'ftp://i/j'}}", Map.of()))
                .hasMessageContaining("security.auth.oidc").hasMessageContaining("jwksUrl");
        assertThatThrownBy(() -> read("auth: {oidc: {issuer: x, audience: a, jwksUrl: 'https://i/j', "
                + "algorithms: [HS256]}}", Map.of()))
                .hasMessageContaining("security.auth.oidc.algorithms[0]").hasMessageContaining("HMAC");
        assertThatThrownBy(() -> read("auth: {oidc: {issuer: x, audience: a, jwksUrl: 'https://i/j', "
                + "roleMapping: {g: root}}}", Map.of()))
                .hasMessageContaining("security.auth.oidc.roleMapping.g");
    }
}
