package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressConfigReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void defaults_to_enabled_with_nothing_allowed() throws Exception {
        EgressSettings settings = EgressConfigReader.read(YAML.readTree("{}"), Map.of());
        assertThat(settings).isEqualTo(EgressSettings.DEFAULT);
        assertThat(settings.policy().check("h", InetAddress.getByName("127.0.0.1")).allowed()).isFalse();
        assertThat(SecurityConfigReader.read(null, Map.of()).egress()).isEqualTo(EgressSettings.DEFAULT);
    }

    @Test
    void reads_allow_and_deny_lists() throws Exception {
        EgressSettings settings = read("""
                egress:
                  allow: [10.20.0.0/16, "::1", api.internal.corp, "*.svc.cluster.local"]
                  deny: [10.20.99.0/24]
                """, Map.of());
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.allow()).containsExactly("10.20.0.0/16", "::1", "api.internal.corp",
                "*.svc.cluster.local");
        assertThat(settings.policy().check("h", InetAddress.getByName("10.20.1.1")).allowed()).isTrue();
        assertThat(settings.policy().check("h", InetAddress.getByName("10.20.99.1")).allowed()).isFalse();
        assertThat(settings.policy().check("db.svc.cluster.local", InetAddress.getByName("10.0.0.1")).allowed())
                .isTrue();
    }

    @Test
    void variables_replace_the_file() throws Exception {
        EgressSettings settings = read("""
                egress: {enabled: true, allow: [10.0.0.0/8]}
                """, Map.of("BATON_EGRESS_ALLOW", "127.0.0.0/8, ::1", "BATON_EGRESS_ENABLED", "false",
                "BATON_EGRESS_DENY", "8.8.8.8"));
        assertThat(settings.allow()).containsExactly("127.0.0.0/8", "::1");
        assertThat(settings.deny()).containsExactly("8.8.8.8");
        assertThat(settings.enabled()).isFalse();
    }

    @Test
    void a_bad_entry_is_refused_naming_its_place() {
        assertThatThrownBy(() -> read("egress: {allow: [10.0.0.0/8, 10.0.0.1/8]}", Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.errors().getFirst().field()).isEqualTo("security.egress.allow[1]");
                    assertThat(e.getMessage()).contains("host bits set").contains("10.0.0.0/8");
                });
        assertThatThrownBy(() -> read("{}", Map.of("BATON_EGRESS_DENY", "not a host")))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("BATON_EGRESS_DENY"));
        assertThatThrownBy(() -> read("{}", Map.of("BATON_EGRESS_ENABLED", "yes")))
                .hasMessageContaining("must be true or false");
    }

    @Test
    void unknown_keys_get_a_suggestion() {
        assertThatThrownBy(() -> read("egress: {alow: [10.0.0.0/8]}", Map.of()))
                .hasMessageContaining("security.egress.alow").hasMessageContaining("did you mean 'allow'");
        assertThatThrownBy(() -> read("egress: {allow: 10.0.0.0/8}", Map.of()))
                .hasMessageContaining("security.egress.allow: must be a list");
    }

    @Test
    void allowing_adds_entries_and_validates_them() {
        assertThat(EgressSettings.DEFAULT.allowing("127.0.0.1").allow()).containsExactly("127.0.0.1");
        assertThatThrownBy(() -> EgressSettings.DEFAULT.allowing("300.1.1.1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new EgressSettings(true, List.of(), List.of())).isEqualTo(EgressSettings.DEFAULT);
    }

    private static EgressSettings read(String yaml, Map<String, String> env) throws Exception {
        JsonNode security = YAML.readTree(yaml);
        return EgressConfigReader.read(security, env);
    }
}
