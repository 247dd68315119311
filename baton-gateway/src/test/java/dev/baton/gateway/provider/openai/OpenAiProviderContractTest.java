package dev.baton.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.provider.Provider;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.gateway.testing.FakeUpstream;
import dev.baton.gateway.testing.ProviderContract;
import dev.baton.gateway.testing.RecordedRequest;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiProviderContractTest extends ProviderContract {

    @Override
    protected FakeUpstream startUpstream() {
        return new FakeOpenAiServer();
    }

    @Override
    protected Provider newProvider(Map<String, String> environment) {
        return new OpenAiProvider(environment);
    }

    @Override
    protected boolean supportsEmbeddings() {
        return true;
    }

    @Override
    protected String sentApiKey(RecordedRequest request) {
        String authorization = request.header("authorization");
        return authorization == null ? null : authorization.substring("Bearer ".length());
    }

    @Override
    protected void assertSentChatFields(RecordedRequest request) {
        JsonNode body = request.json();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(body.path("messages")).extracting(m -> m.path("role").asText())
                .containsExactly("system", "user", "assistant", "user");
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("stop")).extracting(JsonNode::asText).containsExactly("END");
        assertThat(body.path("seed").asLong()).isEqualTo(7);
        assertThat(body.path("user").asText()).isEqualTo("user-1");
        assertThat(body.has("stream")).isFalse();
    }
}
