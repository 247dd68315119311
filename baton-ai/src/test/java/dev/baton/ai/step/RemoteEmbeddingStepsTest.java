package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.Vectors;
import dev.baton.ai.testing.FakeEmbeddingModel;
import dev.baton.ai.testing.ScriptedGateway;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.step.StepHandler;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.ModelKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@code embed}, {@code similarity} and {@code classify} with a gateway embedding alias in {@code model:}. */
class RemoteEmbeddingStepsTest {
    private final FakeEmbeddingModel local = new FakeEmbeddingModel("mini", 8);
    private final ScriptedGateway gateway = new ScriptedGateway()
            .model("openai-small", ModelKind.EMBEDDING)
            .model("mini", ModelKind.EMBEDDING)
            .model("default", ModelKind.CHAT);
    private final Map<String, StepHandler> steps = AiSteps.handlers(EmbeddingModelRegistry.of(local), gateway, 0)
            .stream().collect(Collectors.toMap(StepHandler::type, Function.identity()));

    private JsonNode run(String type, String arguments) throws InterruptedException {
        return steps.get(type).execute(TestContext.unbounded(), Args.json(arguments));
    }

    @Test
    void with_a_gateway_all_five_step_types_are_built() {
        assertThat(steps).containsOnlyKeys("embed", "similarity", "classify", "llm.chat", "llm.classify");
        assertThat(AiSteps.handlers(EmbeddingModelRegistry.of(local), 0)).extracting(StepHandler::type)
                .containsExactly("embed", "similarity", "classify");
    }

    @Test
    void embed_with_a_gateway_alias_calls_the_gateway_for_the_run_and_step_and_normalises_the_vectors()
            throws Exception {
        gateway.embeddings(texts -> texts.stream().map(text -> new float[]{3, 4, 0}).toList());

        JsonNode output = run("embed", "{'text': 'hello', 'model': 'openai-small'}");

        EmbeddingRequest request = (EmbeddingRequest) gateway.calls.getFirst().request();
        assertThat(request.model()).isEqualTo("openai-small");
        assertThat(request.input()).containsExactly("hello");
        var call = gateway.calls.getFirst().context();
        assertThat(call.runId()).isEqualTo("run-1");
        assertThat(call.workflow()).isEqualTo("test-workflow");
        assertThat(call.stepId()).isEqualTo("step");
        assertThat(output.get("model").asText()).isEqualTo("openai-small");
        assertThat(output.get("dimensions").asInt()).isEqualTo(3);
        assertThat(output.at("/embedding/0").asDouble()).isCloseTo(0.6, within(1e-6));
        assertThat(output.at("/embedding/1").asDouble()).isCloseTo(0.8, within(1e-6));
        assertThat(local.calls).hasValue(0);
    }

    @Test
    void an_in_process_name_wins_over_a_gateway_alias_of_the_same_name_and_no_model_means_the_default()
            throws Exception {
        run("embed", "{'text': 'hello', 'model': 'mini'}");
        run("embed", "{'texts': ['a', 'b']}");

        assertThat(local.calls).hasValue(2);
        assertThat(gateway.calls).isEmpty();
    }

    @Test
    void an_unknown_name_is_an_invalid_argument_naming_both_lists_and_a_chat_alias_is_not_an_embedding_model() {
        for (String name : List.of("nope", "default")) {
            assertThatThrownBy(() -> run("embed", "{'text': 'x', 'model': '" + name + "'}"))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.errors().getFirst().field()).isEqualTo("model");
                        assertThat(e.getMessage()).contains("'" + name + "'").contains("[mini]")
                                .contains("[mini, openai-small]");
                    });
        }
    }

    @Test
    void similarity_and_classify_embed_through_the_gateway_alias() throws Exception {
        JsonNode pair = run("similarity", "{'a': 'same text', 'b': 'same text', 'model': 'openai-small'}");
        assertThat(pair.get("score").asDouble()).isCloseTo(1.0, within(1e-6));

        JsonNode label = run("classify", """
                {'text': 'football match', 'model': 'openai-small',
                 'labels': [{'name': 'sport', 'description': 'football match'}, {'name': 'food', 'description': 'soup'}]}""");
        assertThat(label.get("label").asText()).isEqualTo("sport");
        assertThat(label.get("score").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(local.calls).hasValue(0);
        assertThat(gateway.calls).hasSize(3);
    }

    @Test
    void gateway_errors_propagate_with_their_retriability() {
        gateway.embeddings(texts -> {
            throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "all deployments failed");
        });

        assertThatThrownBy(() -> run("embed", "{'text': 'x', 'model': 'openai-small'}"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.retriable()).isTrue();
                });
    }

    @Test
    void an_answer_with_the_wrong_number_of_vectors_or_a_zero_vector_is_an_invalid_upstream_response() {
        gateway.embeddings(texts -> List.of(new float[]{1, 0}));
        assertThatThrownBy(() -> run("embed", "{'texts': ['a', 'b'], 'model': 'openai-small'}"))
                .isInstanceOfSatisfying(BatonException.class, e ->
                        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE));

        gateway.embeddings(texts -> {
            List<float[]> vectors = new ArrayList<>();
            texts.forEach(t -> vectors.add(new float[]{0, 0}));
            return vectors;
        });
        assertThatThrownBy(() -> run("embed", "{'text': 'a', 'model': 'openai-small'}"))
                .hasMessageContaining("zero vector");
    }

    @Test
    void vectors_from_the_gateway_are_unit_length() throws Exception {
        gateway.embeddings(texts -> texts.stream().map(text -> new float[]{1, 2, 3, 4}).toList());

        JsonNode output = run("embed", "{'texts': ['a', 'b'], 'model': 'openai-small'}");

        float[] first = new float[4];
        for (int i = 0; i < 4; i++) {
            first[i] = (float) output.at("/embeddings/0/" + i).asDouble();
        }
        assertThat(Vectors.norm(first)).isCloseTo(1.0, within(1e-6));
        assertThat(output.get("count").asInt()).isEqualTo(2);
    }
}
