package dev.baton.server.gateway;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.baton.gateway.testing.FakeAnswers;
import dev.baton.gateway.testing.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}) pointed at Baton by changing only its base URL:
 * chat, streaming, embeddings, the models list and errors surface exactly as they do against OpenAI. The node
 * requires an API key ({@code gateway.keys}), which the SDK sends as usual.
 */
class OfficialOpenAiSdkTest {
    private static final String CLIENT_KEY = "sk-baton-client";
    private static final Path KEY_FILE = keyFile(CLIENT_KEY);
    private static final String TIGHT_KEY = "sk-baton-tight";
    private static final Path TIGHT_KEY_FILE = keyFile(TIGHT_KEY);
    private static final GatewayNode NODE = new GatewayNode("keys: [{id: sdk-tests, secret: \"file:" + KEY_FILE
            + "\"}, {id: tight, secret: \"file:" + TIGHT_KEY_FILE + "\", budget: {maxTokens: 5}}]");
    private static final OpenAIClient CLIENT = client(CLIENT_KEY);

    private static Path keyFile(String key) {
        try {
            Path file = Files.createTempFile("baton-client-key", ".txt");
            Files.writeString(file, key);
            file.toFile().deleteOnExit();
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(NODE.server.url() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void close() {
        CLIENT.close();
        NODE.close();
    }

    @Test
    void chat_completion() {
        ChatCompletion completion = CLIENT.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fast")
                .addSystemMessage("answer briefly")
                .addUserMessage("hello from the sdk")
                .temperature(0.2)
                .maxCompletionTokens(100)
                .build());

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().message().content()).contains(FakeAnswers.echo("hello from the sdk"));
        assertThat(completion.choices().getFirst().finishReason().asString()).isEqualTo("stop");
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isPositive());
        assertThat(completion.model()).isEqualTo("fast");
    }

    @Test
    void streaming_chat_completion_with_usage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("fast")
                .addUserMessage("stream to the sdk")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = CLIENT.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text).hasToString(FakeAnswers.echo("stream to the sdk"));
        assertThat(chunks.getLast().usage()).hasValueSatisfying(u ->
                assertThat(u.completionTokens()).isEqualTo(FakeAnswers.tokens(FakeAnswers.echo("stream to the sdk"))));
    }

    @Test
    void a_stream_cut_upstream_after_its_first_chunk_raises_in_the_sdk_instead_of_ending_quietly() {
        NODE.upstream.enqueue(new Fault.MidStreamError("upstream went away", false));
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("fast").addUserMessage("one two three four five six seven eight").build();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = CLIENT.chat().completions().createStreaming(params)) {
            assertThatThrownBy(() -> stream.stream().forEach(chunk ->
                    chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append))))
                    .isInstanceOf(SseException.class);
        }
        assertThat(text).isNotEmpty();
        assertThat(text.toString()).isNotEqualTo(FakeAnswers.echo("one two three four five six seven eight"));
    }

    @Test
    void embeddings_with_the_sdks_default_encoding() {
        CreateEmbeddingResponse response = CLIENT.embeddings().create(EmbeddingCreateParams.builder()
                .model("vectors")
                .input("embed me")
                .dimensions(16)
                .build());

        float[] expected = FakeAnswers.embedding("embed me", 16);
        List<Float> actual = response.data().getFirst().embedding();
        assertThat(actual).hasSize(16);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual.get(i)).isEqualTo(expected[i]);
        }
    }

    @Test
    void models_list() {
        List<String> ids = CLIENT.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).containsExactly("claude", "fast", "vectors");
    }

    @Test
    void errors_surface_as_the_sdks_exceptions() {
        assertThatThrownBy(() -> CLIENT.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-model").addUserMessage("x").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                });

        assertThatThrownBy(() -> CLIENT.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fast").addUserMessage("x").n(3).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("n"));

        NODE.upstream.enqueue(Fault.rateLimited("3"));
        try {
            assertThatThrownBy(() -> CLIENT.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("fast").addUserMessage("rate limited please").build()))
                    .isInstanceOfSatisfying(RateLimitException.class, e ->
                            assertThat(e.headers().values("Retry-After")).containsExactly("3"));
        } finally {
            NODE.upstream.reset();
            NODE.upstream.requireApiKey(GatewayNode.UPSTREAM_KEY);
        }

        OpenAIClient tight = client(TIGHT_KEY);
        try {
            assertThatThrownBy(() -> tight.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("fast").addUserMessage("this would overspend a five token budget").build()))
                    .isInstanceOfSatisfying(RateLimitException.class, e -> {
                        assertThat(e.code()).contains("insufficient_quota");
                        assertThat(e.headers().values("x-should-retry")).containsExactly("false");
                    });
        } finally {
            tight.close();
        }

        OpenAIClient wrongKey = client("sk-wrong");
        try {
            assertThatThrownBy(() -> wrongKey.models().list())
                    .isInstanceOfSatisfying(UnauthorizedException.class, e ->
                            assertThat(((OpenAIServiceException) e).statusCode()).isEqualTo(401));
        } finally {
            wrongKey.close();
        }
    }
}
