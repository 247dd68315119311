package dev.baton.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.provider.Provider;
import dev.baton.gateway.testing.FakeAnthropicServer;
import dev.baton.gateway.testing.FakeUpstream;
import dev.baton.gateway.testing.ProviderContract;
import dev.baton.gateway.testing.RecordedRequest;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicProviderContractTest extends ProviderContract {

    @Override
    protected FakeUpstream startUpstream() {
        return new FakeAnthropicServer();
    }

    @Override
    protected Provider newProvider(Map<String, String> environment) {
        return new AnthropicProvider(environment);
    }

    @Override
    protected boolean supportsEmbeddings() {
        return false;
    }

    @Override
    protected String sentApiKey(RecordedRequest request) {
        return request.header("x-api-key");
    }

    @Override
    protected void assertSentChatFields(RecordedRequest request) {
        JsonNode body = request.json();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.header("anthropic-version")).isEqualTo(AnthropicProvider.API_VERSION);
        assertThat(body.path("system").asText()).isEqualTo("Be brief.");
        assertThat(body.path("messages")).extracting(m -> m.path("role").asText())
                .containsExactly("user", "assistant", "user");
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("stop_sequences")).extracting(JsonNode::asText).containsExactly("END");
        assertThat(body.path("metadata").path("user_id").asText()).isEqualTo("user-1");
        assertThat(body.has("seed")).isFalse();
    }
}
