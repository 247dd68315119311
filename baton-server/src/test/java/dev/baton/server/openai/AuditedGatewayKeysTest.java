package dev.baton.server.openai;

import dev.baton.core.security.AuditEntry;
import dev.baton.core.security.AuditQuery;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.SecretRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login failure on the OpenAI-compatible API over real HTTP: with {@code gateway.keys} configured, a call without
 * a valid key is answered 401 and recorded as {@code auth.failed} in the system tenant, without the key presented;
 * an accepted call is a usage record, not an audit entry.
 */
class AuditedGatewayKeysTest {
    private static final String CHAT = "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @Test
    void a_call_with_a_wrong_key_is_an_auth_failed_entry_that_never_holds_the_key() {
        ClientKeys keys = ClientKeys.resolve(List.of(new ClientKey("team-a", new SecretRef("env", "KEY_A"),
                RateLimits.UNLIMITED, Budget.NONE)), Map.of("KEY_A", "sk-baton-aaaa"));
        try (var server = new ScriptedServer(keys)) {
            var wrong = server.post("/v1/chat/completions", CHAT, Map.of("Authorization", "Bearer sk-baton-wrong",
                    "X-Request-Id", "wrong-key-1"));
            var ok = server.post("/v1/chat/completions", CHAT, Map.of("Authorization", "Bearer sk-baton-aaaa"));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(ok.status()).isEqualTo(200);

            List<AuditEntry> entries = server.node.auditLog()
                    .query(new AuditQuery("default", null, null, null, null, null, 10)).items();
            assertThat(entries).singleElement().satisfies(entry -> {
                assertThat(entry.action()).isEqualTo("auth.failed");
                assertThat(entry.outcome()).isEqualTo("denied");
                assertThat(entry.requestId()).isEqualTo("wrong-key-1");
                assertThat(entry.remoteAddress()).isEqualTo("127.0.0.1");
                assertThat(entry.details()).containsEntry("status", "401")
                        .containsEntry("path", "/v1/chat/completions");
                assertThat(entry.toString()).doesNotContain("sk-baton-wrong").doesNotContain("sk-baton-aaaa");
            });

            var audit = server.get("/api/v1/audit?action=auth.failed");
            assertThat(audit.status()).isEqualTo(200);
            assertThat(audit.json().get("items").get(0).get("requestId").asText()).isEqualTo("wrong-key-1");
        }
    }
}
