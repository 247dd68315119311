package dev.baton.gateway.provider;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.provider.anthropic.AnthropicProvider;
import dev.baton.gateway.provider.http.IdempotencyKeys;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.gateway.routing.Router;
import dev.baton.gateway.testing.FakeAnthropicServer;
import dev.baton.gateway.testing.FakeOpenAiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A call's idempotency key reaches the upstream as {@code Idempotency-Key} through the router and the HTTP
 * providers, over real HTTP to the fake servers, which record the headers.
 */
class IdempotencyKeyTest {
    private static final CallContext STEP = CallContext.step(CallContext.ANONYMOUS, "run-1", "wf", "summary")
            .withIdempotencyKey("run-1/summary");

    private final FakeOpenAiServer openAiUpstream = new FakeOpenAiServer();
    private final FakeAnthropicServer anthropicUpstream = new FakeAnthropicServer();
    private final OpenAiProvider openAi = new OpenAiProvider(Map.of());
    private final AnthropicProvider anthropic = new AnthropicProvider(Map.of());
    private final Router router = new Router(new GatewayConfig(Map.of(
            "gpt", alias("gpt", ModelKind.CHAT, Deployment.of("o", "openai", openAiUpstream.baseUrl(), "gpt-fake")),
            "embed", alias("embed", ModelKind.EMBEDDING,
                    Deployment.of("e", "openai", openAiUpstream.baseUrl(), "embed-fake")),
            "claude", alias("claude", ModelKind.CHAT,
                    Deployment.of("a", "anthropic", anthropicUpstream.baseUrl(), "claude-fake"))),
            List.of(), RateLimits.UNLIMITED, Budget.NONE, RetrySettings.DEFAULT, CacheSettings.DEFAULT,
            HealthSettings.DEFAULT), Map.of("openai", openAi, "anthropic", anthropic), InstantSource.system(),
            new Random(3), d -> { });

    private static ModelAlias alias(String name, ModelKind kind, Deployment deployment) {
        return new ModelAlias(name, kind, Strategy.PRIORITY, List.of(deployment), List.of());
    }

    @AfterEach
    void close() {
        router.close();
        openAi.close();
        anthropic.close();
        openAiUpstream.close();
        anthropicUpstream.close();
    }

    private static ChatRequest ask(String model, String text) {
        return ChatRequest.of(model, List.of(ChatMessage.user(text)));
    }

    @Test
    void the_openai_provider_sends_the_key_with_a_digest_of_the_body_for_chat_streams_and_embeddings() {
        router.chat(ask("gpt", "hello"), STEP);
        String chat = openAiUpstream.lastRequest().header("Idempotency-Key");
        router.stream(ask("gpt", "hello"), STEP, chunk -> { });
        String stream = openAiUpstream.lastRequest().header("Idempotency-Key");
        router.embed(EmbeddingRequest.of("embed", List.of("a text")), STEP);
        String embeddings = openAiUpstream.lastRequest().header("Idempotency-Key");

        assertThat(chat).matches("run-1/summary/[0-9a-f]{16}")
                .isEqualTo(IdempotencyKeys.value("run-1/summary",
                        openAiUpstream.requests().getFirst().body().getBytes(StandardCharsets.UTF_8)));
        assertThat(stream).startsWith("run-1/summary/").isNotEqualTo(chat);
        assertThat(embeddings).startsWith("run-1/summary/").isNotIn(chat, stream);
    }

    @Test
    void the_same_call_made_again_sends_the_same_key_and_another_request_of_the_step_another() {
        router.chat(ask("gpt", "hello"), STEP);
        router.chat(ask("gpt", "hello"), STEP); // e.g. the step re-run after a crash
        router.chat(ask("gpt", "hello, and fix the JSON"), STEP); // e.g. a repair turn

        List<String> sent = openAiUpstream.requests().stream().map(r -> r.header("Idempotency-Key")).toList();
        assertThat(sent.get(1)).isEqualTo(sent.get(0));
        assertThat(sent.get(2)).startsWith("run-1/summary/").isNotEqualTo(sent.get(0));
    }

    @Test
    void the_anthropic_provider_sends_it_too() {
        router.chat(ask("claude", "hello"), STEP);
        router.stream(ask("claude", "hello"), STEP, chunk -> { });

        assertThat(anthropicUpstream.requests()).extracting(r -> r.header("Idempotency-Key"))
                .allSatisfy(key -> assertThat(key).matches("run-1/summary/[0-9a-f]{16}"));
    }

    @Test
    void a_call_without_a_key_sends_no_header() {
        router.chat(ask("gpt", "hello"), CallContext.direct("anonymous"));
        router.chat(ask("claude", "hello"), CallContext.direct("anonymous"));

        assertThat(openAiUpstream.lastRequest().header("Idempotency-Key")).isNull();
        assertThat(anthropicUpstream.lastRequest().header("Idempotency-Key")).isNull();
    }

    @Test
    void characters_outside_printable_ascii_are_percent_encoded() {
        router.chat(ask("gpt", "hello"), CallContext.direct("anonymous").withIdempotencyKey("run 1/schritt-ü"));

        assertThat(openAiUpstream.lastRequest().header("Idempotency-Key")).startsWith("run%201/schritt-%C3%BC/");
    }

    @Test
    void a_blank_overlong_or_control_character_key_is_refused_naming_the_header() {
        CallContext call = CallContext.direct("anonymous");

        for (String bad : List.of(" ", "x".repeat(256), "a\r\nX-Injected: 1")) {
            assertThatThrownBy(() -> call.withIdempotencyKey(bad))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                        assertThat(e.getMessage()).contains("Idempotency-Key");
                    });
        }
    }
}
