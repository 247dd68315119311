package dev.baton.gateway.provider.openai;

import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.testing.FakeOpenAiServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiProviderSmokeTest {

    @Test
    void chats_streams_and_embeds_against_the_fake() {
        try (var upstream = new FakeOpenAiServer(); var provider = new OpenAiProvider(Map.of())) {
            Deployment deployment = Deployment.of("fake", "openai", upstream.baseUrl(), "gpt-fake");
            var request = ChatRequest.of("gpt-fake", List.of(ChatMessage.user("hello there")));
            var response = provider.chat(deployment, request);
            assertThat(response.message().content()).isEqualTo("You said: hello there");
            List<ChatChunk> chunks = new ArrayList<>();
            var result = provider.stream(deployment, request, chunks::add);
            assertThat(chunks).extracting(ChatChunk::content).containsSubsequence("You", " said:", " hello", " there");
            assertThat(result.usage().estimated()).isFalse();
            var embeddings = provider.embed(deployment, EmbeddingRequest.of("e", List.of("a", "b")));
            assertThat(embeddings.vectors()).hasSize(2);
            provider.probe(deployment);
            assertThat(upstream.requestCount()).isEqualTo(4);
        }
    }
}
