package dev.baton.ai.gateway;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.ModelState;
import dev.baton.ai.testing.FakeEmbeddingModel;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.config.Deployment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InProcessEmbeddingProviderTest {
    private final FakeEmbeddingModel model = new FakeEmbeddingModel("mini", 8);
    private final InProcessEmbeddingProvider provider = new InProcessEmbeddingProvider(EmbeddingModelRegistry.of(model));
    private final Deployment deployment = LocalModelAliases.alias("mini").deployments().getFirst();

    @Test
    void embeds_with_the_model_named_by_the_deployment_and_marks_estimated_usage() {
        EmbeddingResponse response = provider.embed(deployment, EmbeddingRequest.of("mini", List.of("hello", "a longer text")));

        assertThat(provider.type()).isEqualTo("local");
        assertThat(response.vectors()).hasSize(2);
        assertThat(response.vectors().get(0)).containsExactly(FakeEmbeddingModel.vector("hello", 8));
        assertThat(response.usage().inputTokens()).isEqualTo(2 + 4);
        assertThat(response.usage().outputTokens()).isZero();
        assertThat(response.usage().estimated()).isTrue();
        assertThat(response.served()).isNull();
    }

    @Test
    void chat_and_stream_are_rejected_as_embeddings_only() {
        ChatRequest chat = ChatRequest.of("mini", List.of(ChatMessage.user("hi")));

        assertThatThrownBy(() -> provider.chat(deployment, chat)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
            assertThat(e.getMessage()).contains("the local provider serves embeddings only");
        });
        assertThatThrownBy(() -> provider.stream(deployment, chat, chunk -> { }))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED));
    }

    @Test
    void the_probe_reports_ready_loading_as_retriable_not_ready_and_failed_as_unavailable() {
        assertThatNoException().isThrownBy(() -> provider.probe(deployment));

        model.state(ModelState.LOADING);
        assertThatThrownBy(() -> provider.probe(deployment)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY);
            assertThat(e.retriable()).isTrue();
        });

        model.state(ModelState.FAILED);
        assertThatThrownBy(() -> provider.probe(deployment)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
            assertThat(e.retriable()).isFalse();
        });
    }

    @Test
    void a_model_still_loading_when_called_is_not_ready_and_retriable() {
        model.state(ModelState.LOADING);

        assertThatThrownBy(() -> provider.embed(deployment, EmbeddingRequest.of("mini", List.of("x"))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY);
                    assertThat(e.retriable()).isTrue();
                });
    }

    @Test
    void a_model_that_failed_to_load_is_unavailable() {
        model.state(ModelState.FAILED);

        assertThatThrownBy(() -> provider.embed(deployment, EmbeddingRequest.of("mini", List.of("x"))))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE));
    }

    @Test
    void a_blank_input_text_is_invalid_input_naming_its_index() {
        assertThatThrownBy(() -> provider.embed(deployment, EmbeddingRequest.of("mini", List.of("ok", " "))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.errors()).extracting(error -> error.field()).containsExactly("input[1]");
                });
    }

    @Test
    void an_unknown_model_or_other_dimensions_are_rejected() {
        Deployment unknown = LocalModelAliases.alias("nope").deployments().getFirst();
        assertThatThrownBy(() -> provider.embed(unknown, EmbeddingRequest.of("nope", List.of("x"))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
                    assertThat(e.getMessage()).contains("nope").contains("mini");
                });
        assertThatThrownBy(() -> provider.embed(deployment, new EmbeddingRequest("mini", List.of("x"), 4, null)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
                    assertThat(e.getMessage()).contains("8-dimensional");
                });
        assertThat(provider.embed(deployment, new EmbeddingRequest("mini", List.of("x"), 8, null)).vectors()).hasSize(1);
    }
}
