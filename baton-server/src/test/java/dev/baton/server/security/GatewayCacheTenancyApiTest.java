package dev.baton.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.security.Role;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.server.BatonConfig;
import dev.baton.server.TestEgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's response cache over real HTTP with two tenants: one tenant's cached answer is never served to
 * another (no prompt oracle, no free answers), while a tenant's own keys share its entries.
 */
class GatewayCacheTenancyApiTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CHAT = """
            {"model": "fast", "messages": [{"role": "user", "content": "Summarize the contract of customer X"}]}
            """;

    private static FakeOpenAiServer upstream;
    private static SecureNode node;

    @BeforeAll
    static void start() throws IOException {
        upstream = new FakeOpenAiServer();
        String gateway = """
                models:
                  fast:
                    deployments:
                      - {id: fake-1, provider: openai, baseUrl: "%s", model: gpt-fake}
                retry: {maxAttempts: 1}
                """.formatted(upstream.baseUrl());
        node = new SecureNode(config -> {
            try {
                BatonConfig withGateway = config.withGateway(GatewayConfigReader.read(YAML.readTree(gateway)));
                SecurityConfig s = withGateway.security();
                return withGateway.withSecurity(new SecurityConfig(s.systemTenant(), s.auth(), s.quotas(),
                        TestEgress.LOOPBACK, s.secrets()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void another_tenant_never_gets_a_cached_answer_but_the_same_tenants_other_key_does() {
        String acme = node.key("acme", Role.DEVELOPER);
        String acmeOther = node.key("acme", Role.DEVELOPER);
        String globex = node.key("globex", Role.DEVELOPER);

        SecureNode.Response first = node.post("/v1/chat/completions", acme, CHAT);
        SecureNode.Response again = node.post("/v1/chat/completions", acmeOther, CHAT);
        SecureNode.Response foreign = node.post("/v1/chat/completions", globex, CHAT);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-baton-cache")).isEqualTo("miss");
        assertThat(again.header("x-baton-cache")).isEqualTo("hit");
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(200);
        assertThat(foreign.header("x-baton-cache")).isEqualTo("miss");
        assertThat(upstream.requests()).hasSize(2);
    }
}
